/**
 * Certificates of the local cluster, made with the `openssl` command (Debian's): a CA, and one admin
 * certificate (group system:masters) that the API server serves with and every component and client
 * authenticates with, as kwokctl's binary runtime does. Kept in the data directory and reused, so a
 * kubeconfig written by an earlier start stays valid.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Pki {
  caCert: string;
  adminCert: string;
  adminKey: string;
}

export function ensurePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pki: Pki = { caCert: join(dir, "ca.crt"), adminCert: join(dir, "admin.crt"), adminKey: join(dir, "admin.key") };
  if (existsSync(pki.caCert) && existsSync(pki.adminCert) && existsSync(pki.adminKey)) return pki;

  const caKey = join(dir, "ca.key");
  const csr = join(dir, "admin.csr");
  const extensions = join(dir, "admin.ext");
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", pki.caCert, "-days", "3650", "-subj", "/CN=babyhelm-local-ca"]);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", pki.adminKey, "-out", csr, "-subj", "/O=system:masters/CN=kubernetes-admin"]);
  writeFileSync(
    extensions,
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth,clientAuth",
      "subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1",
      "",
    ].join("\n"),
  );
  openssl(["x509", "-req", "-in", csr, "-CA", pki.caCert, "-CAkey", caKey, "-CAcreateserial", "-out", pki.adminCert, "-days", "3650", "-extfile", extensions]);
  return pki;
}

function openssl(args: string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("the local cluster needs the openssl command for its certificates: apt-get install -y openssl", { cause: error });
    }
    throw new Error(`openssl ${args[0]} failed: ${stderr ?? String(error)}`, { cause: error });
  }
}
