import { assert } from "../../tests/_helpers/assert.ts";
import { buildConfig } from "./load.ts";
import { formatProblem } from "./types.ts";

const TLS = new URL("../../tests/fixtures/tls/", import.meta.url).pathname;

Deno.test("buildConfig() reads the TLS files once at load and reports each bad one", async (t) => {
  const cases: { name: string; key: string; cert: string; want: RegExp[] }[] = [
    { name: "a matching pair", key: `${TLS}key.pem`, cert: `${TLS}cert.pem`, want: [] },
    { name: "relative to the config directory", key: "key.pem", cert: "cert.pem", want: [] },
    {
      name: "a missing key file",
      key: `${TLS}nope.pem`,
      cert: `${TLS}cert.pem`,
      want: [/^a\.conf:3: error: \[web\] ssl key: Cannot read "ssl key" in \[web\]: No such file/],
    },
    {
      name: "a certificate that is not PEM",
      key: `${TLS}key.pem`,
      cert: `${TLS}README.md`,
      want: [
        /^a\.conf:4: error: \[web\] ssl certificate: Cannot use "ssl certificate" in \[web\]: expected a PEM certificate in /,
      ],
    },
    {
      name: "a key that is not PEM",
      key: `${TLS}server.ext`,
      cert: `${TLS}cert.pem`,
      want: [
        /^a\.conf:3: error: \[web\] ssl key: Cannot use "ssl key" in \[web\]: expected a PEM private key in /,
      ],
    },
    {
      name: "a key of another certificate",
      key: `${TLS}server.key`,
      cert: `${TLS}cert.pem`,
      want: [
        /^a\.conf:3: error: \[web\] ssl key: Cannot use "ssl key" in \[web\]: the key in ".*server\.key" does not belong to the certificate in ".*cert\.pem"$/,
      ],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const text =
        `[web]\n    bind to = 127.0.0.1:0^SSL=force\n    ssl key = ${c.key}\n    ssl certificate = ${c.cert}\n`;
      const r = buildConfig({
        role: "standalone",
        systemHostname: "h",
        configDir: TLS,
        agent: { text, file: "a.conf" },
        readFile: Deno.readTextFileSync,
      });
      const got = r.problems.map(formatProblem);
      assert.equal(got.length, c.want.length, got.join("\n"));
      c.want.forEach((re, i) => assert.match(got[i], re));
      if (c.want.length === 0) {
        assert.ok(r.config.web.tls?.key.includes("PRIVATE KEY"));
        assert.ok(r.config.web.tls?.certificate.includes("BEGIN CERTIFICATE"));
      } else assert.equal(r.config.web.tls, undefined);
    });
  }
});
