/** The e-mails the portal sends. Plain text first; the HTML part says the same. */

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function message(to: string, subject: string, paragraphs: string[], link?: { url: string; label: string }): MailMessage {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : []), "— BabyHelm"].join("\n\n");
  const html = [
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
    "<p>— BabyHelm</p>",
  ].join("\n");
  return { to, subject, text, html };
}

export function confirmEmailMessage(to: string, name: string, url: string): MailMessage {
  return message(
    to,
    "Confirm your e-mail address for BabyHelm",
    [`Hello ${name},`, "Welcome to BabyHelm. Confirm your e-mail address to log in. The link works once, for 24 hours.", "If you did not sign up, ignore this e-mail."],
    { url, label: "Confirm your e-mail address" },
  );
}

export function alreadyRegisteredMessage(to: string, loginUrl: string, resetUrl: string): MailMessage {
  return message(to, "You already have a BabyHelm account", [
    "Someone, probably you, tried to sign up to BabyHelm with this e-mail address, which already has an account.",
    `Log in at ${loginUrl}. If you forgot your password, set a new one at ${resetUrl}.`,
    "If it was not you, ignore this e-mail: nothing has changed.",
  ]);
}

export function resetPasswordMessage(to: string, url: string): MailMessage {
  return message(
    to,
    "Set a new BabyHelm password",
    [
      "Someone, probably you, asked to set a new password for your BabyHelm account. The link works once, for 1 hour.",
      "If it was not you, ignore this e-mail: your password stays as it is.",
    ],
    { url, label: "Set a new password" },
  );
}

export function pendingAccountMessage(to: string, resetUrl: string): MailMessage {
  return message(
    to,
    "Your BabyHelm account is waiting for confirmation",
    [
      "Someone, probably you, tried to sign up to BabyHelm with this e-mail address. An account with it already exists and is waiting for you to confirm it.",
      "If you created it, use the confirmation link we sent before. If you do not know its password, or did not create it, set your own password with the link below: that confirms the account as yours. The link works once, for 1 hour.",
    ],
    { url: resetUrl, label: "Set your password" },
  );
}

export function healthAlertMessage(to: string, alert: { project: string; app: string; kind: "degraded" | "recovered"; reason: string | null; url: string }): MailMessage {
  const subject = alert.kind === "degraded" ? `${alert.project}/${alert.app} is not healthy` : `${alert.project}/${alert.app} is healthy again`;
  const paragraphs =
    alert.kind === "degraded"
      ? [
          `The app ${alert.app} of your project ${alert.project} is not healthy.`,
          alert.reason ?? "Some of its pods are not ready.",
          "You get one message when it is healthy again.",
        ]
      : [`The app ${alert.app} of your project ${alert.project} is healthy again: all its pods are ready.`];
  return message(to, subject, paragraphs, { url: alert.url, label: "See the app" });
}

/** A day (or less) before a preview environment is destroyed: when, which project, and where to extend it. */
export function expiryWarningMessage(to: string, expiry: { project: string; expiresAt: Date; url: string }, now = new Date()): MailMessage {
  const when = `${expiry.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const hours = Math.max(0, Math.round((expiry.expiresAt.getTime() - now.getTime()) / 3_600_000));
  const within = hours >= 1 ? `in about ${hours} hour${hours === 1 ? "" : "s"}` : "within the hour";
  return message(
    to,
    `${expiry.project} expires ${within}`,
    [
      `Your project ${expiry.project} is set to expire on ${when} (${within}).`,
      "Then BabyHelm destroys everything it runs in the namespace and deletes the project. This cannot be undone.",
      "To keep it, open the project and extend the expiry or remove it (owners only).",
    ],
    { url: expiry.url, label: `Extend ${expiry.project}` },
  );
}
