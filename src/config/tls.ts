/**
 * The TLS material of `[web] ssl key` and `ssl certificate`: read and checked at load (a PEM
 * private key, a PEM certificate, and the one belongs to the other), so a bad file stops the
 * agent with its file:line instead of starting a server that fails every handshake.
 * @module
 */

import { createPrivateKey, X509Certificate } from "node:crypto";
import { type Resolver, whereFrom } from "./resolver.ts";
import { problem } from "./schema.ts";
import type { AgentConfig } from "./types.ts";

/** Options of {@link readTls}. */
export interface ReadTlsOptions {
  /** Reads a file's text; throws when it cannot. */
  readFile: (path: string) => string;
  /** Relative paths are read from here (the config directory); from the working directory without it. */
  configDir?: string;
  /** The agent.conf file, for problems about defaults. */
  file: string;
}

/** Where a relative `ssl key` / `ssl certificate` path points. */
export function tlsPath(path: string, configDir: string | undefined): string {
  if (path.startsWith("/") || configDir === undefined) return path;
  return (configDir.endsWith("/") ? configDir : configDir + "/") + path;
}

/**
 * Reads and checks both files when both keys are set (a half-set pair is reported by the
 * `[web]` reader); returns the PEM texts, or undefined after pushing every problem to `r`.
 */
export function readTls(
  web: AgentConfig["web"],
  r: Resolver,
  opts: ReadTlsOptions,
): AgentConfig["web"]["tls"] {
  if (web.sslKey === "" || web.sslCertificate === "") return undefined;
  const where = (key: string) => ({
    ...whereFrom(r.sources.get(`web/${key}`)!, opts.file),
    section: "web",
    key,
  });
  const read = (key: string, path: string): string | undefined => {
    const full = tlsPath(path, opts.configDir);
    try {
      return opts.readFile(full);
    } catch (e) {
      r.problems.push(
        problem("error", where(key), `Cannot read ${JSON.stringify(key)} in [web]: ${(e as Error).message}`),
      );
      return undefined;
    }
  };
  const keyPem = read("ssl key", web.sslKey);
  const certPem = read("ssl certificate", web.sslCertificate);
  let key: ReturnType<typeof createPrivateKey> | undefined;
  let cert: X509Certificate | undefined;
  if (keyPem !== undefined) {
    try {
      key = createPrivateKey(keyPem);
    } catch (e) {
      r.problems.push(problem(
        "error",
        where("ssl key"),
        `Cannot use "ssl key" in [web]: expected a PEM private key in ${JSON.stringify(web.sslKey)}: ${
          (e as Error).message
        }`,
      ));
    }
  }
  if (certPem !== undefined) {
    try {
      cert = new X509Certificate(certPem);
    } catch (e) {
      r.problems.push(problem(
        "error",
        where("ssl certificate"),
        `Cannot use "ssl certificate" in [web]: expected a PEM certificate in ${
          JSON.stringify(web.sslCertificate)
        }: ${(e as Error).message}`,
      ));
    }
  }
  if (key === undefined || cert === undefined) return undefined;
  if (!cert.checkPrivateKey(key)) {
    r.problems.push(problem(
      "error",
      where("ssl key"),
      `Cannot use "ssl key" in [web]: the key in ${JSON.stringify(web.sslKey)} does not belong to the ` +
        `certificate in ${JSON.stringify(web.sslCertificate)}`,
    ));
    return undefined;
  }
  return { key: keyPem!, certificate: certPem! };
}
