import type { Knex } from "knex";

/**
 * Ownership of a project is the `owner` role in project_members; projects.owner_id only records who
 * created it. Until now it had no ON DELETE, so a creator could never delete their account, even after
 * handing the project over and leaving it. Now it is kept while they exist and cleared when they go
 * (whether they may go is the portal's check: not while they are a project's only owner).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("alter table projects drop constraint projects_owner_id_foreign");
  await knex.raw("alter table projects alter column owner_id drop not null");
  await knex.raw("alter table projects add constraint projects_owner_id_foreign foreign key (owner_id) references users (id) on delete set null");
}

export async function down(knex: Knex): Promise<void> {
  // A project whose creator is gone is recorded as created by its longest-standing owner (every project has one).
  await knex.raw(
    `update projects p
        set owner_id = (select m.user_id from project_members m where m.project_id = p.id and m.role = 'owner' order by m.created_at, m.user_id limit 1)
      where owner_id is null`,
  );
  await knex.raw("alter table projects drop constraint projects_owner_id_foreign");
  await knex.raw("alter table projects alter column owner_id set not null");
  await knex.raw("alter table projects add constraint projects_owner_id_foreign foreign key (owner_id) references users (id)");
}
