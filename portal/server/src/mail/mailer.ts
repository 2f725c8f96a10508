/**
 * Sending mail: through SMTP_URL with nodemailer, or, on a development machine without it, into the dev
 * outbox (`<data dir>/outbox/*.eml`) with the links logged.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { MailMessage } from "./messages.js";

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

function smtpMailer(config: Config): Mailer {
  const transport = nodemailer.createTransport(config.smtpUrl!);
  return {
    async send(message) {
      await transport.sendMail({ from: config.mailFrom, ...message });
    },
    close: () => transport.close(),
  };
}

function outboxMailer(config: Config, logger: Logger): Mailer {
  const outbox = join(config.dataDir, "outbox");
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    async send(message) {
      mkdirSync(outbox, { recursive: true });
      const info = await transport.sendMail({ from: config.mailFrom, ...message });
      const file = join(outbox, `${new Date().toISOString().replace(/[:.]/g, "-")}-${info.messageId.replace(/[^\w.-]/g, "")}.eml`);
      writeFileSync(file, info.message as Buffer);
      // A development convenience: the links are only ever in this log and this file, never sent anywhere.
      const links = message.text.match(/https?:\/\/\S+/g) ?? [];
      logger.info({ outboxFile: file, to: message.to, subject: message.subject, links }, "mail written to the dev outbox");
    },
    close: () => transport.close(),
  };
}

export function createMailer(config: Config, logger: Logger): Mailer {
  return config.smtpUrl ? smtpMailer(config) : outboxMailer(config, logger);
}
