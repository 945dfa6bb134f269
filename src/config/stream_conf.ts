/**
 * The stream.conf reader: `[stream]` (this node as a sender) and the receiver sections
 * (`[<API key>]`, `[<machine GUID>]`: this node as a receiver).
 * @module
 */

import { compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import { destinations } from "./destination.ts";
import type { IniFile } from "./ini.ts";
import {
  RECEIVER_KEYS,
  RECEIVER_TEMPLATES,
  RECEIVER_UNUSED_KEYS,
  type ReceiverContext,
  ROLE_DEFAULTS,
  STREAM_KEYS,
} from "./keys.ts";
import {
  type Doc,
  FrozenMap,
  notUsedMessage,
  OVERRIDE_FLAGS,
  q,
  type Resolver,
  roleSource,
  unknownKey,
  whereFrom,
} from "./resolver.ts";
import { isUuid, problem, type RawValue, size, uuid } from "./schema.ts";
import type {
  ConfigProblem,
  Destination,
  ReceiverOptions,
  ReceiverSection,
  Role,
  StreamSenderConfig,
} from "./types.ts";

/** Reads `[stream]`: this node as a sender. */
export function readStreamSender(stream: Doc, r: Resolver, role: Role): StreamSenderConfig {
  const roleEnabled = ROLE_DEFAULTS[role].streamEnabled;
  let enabled = r.file(stream, "stream/enabled", r.bool, roleEnabled, roleSource(role, roleEnabled));
  const defaultPort = r.file(stream, "stream/default port", r.int({ min: 1, max: 65535 }), 19999);
  // The list is parsed once, here: a sender never meets a destination it cannot use.
  const readList = (raw: RawValue) => {
    const list = destinations(raw, r.problems, { defaultPort });
    return list && { text: raw.value, list };
  };
  const before = r.problems.length;
  const destination = r.flag(
    "streamTo",
    "stream/destination",
    (raw) => r.nonEmpty('a destination like "parent:19999"')(raw) !== undefined ? readList(raw) : undefined,
    r.file(stream, "stream/destination", readList, { text: "", list: [] as Destination[] }),
  );
  const destinationBad = r.problems.length > before;
  if (r.sources.get("stream/destination") === OVERRIDE_FLAGS.streamTo) {
    enabled = true;
    r.sources.set("stream/enabled", OVERRIDE_FLAGS.streamTo);
  }
  const apiKey = r.flag(
    "apiKey",
    "stream/api key",
    (raw) => uuid(raw, r.problems),
    r.file(stream, "stream/api key", (raw) => uuid(raw, r.problems, { allowEmpty: true }), ""),
  );
  const sender: StreamSenderConfig = {
    enabled,
    destination: destination.text,
    destinations: destination.list,
    apiKey,
    timeoutSec: r.file(stream, "stream/timeout seconds", r.seconds(1, 86400), 600),
    defaultPort,
    sendChartsMatching: r.file(stream, "stream/send charts matching", r.text, "*"),
    bufferSizeBytes: r.file(
      stream,
      "stream/buffer size bytes",
      (raw) => size(raw, r.problems, { unit: "bytes", min: 65536, max: 1073741824 }),
      10485760,
    ),
    reconnectDelaySec: r.file(stream, "stream/reconnect delay seconds", r.seconds(1, 3600), 5),
    initialClockResyncIterations: r.file(
      stream,
      "stream/initial clock resync iterations",
      r.int({ min: 0, max: 3600 }),
      60,
    ),
    enableCompression: r.file(stream, "stream/enable compression", r.bool, true),
    enableCompactRounds: r.file(stream, "stream/enable compact rounds", r.bool, true),
    sslSkipCertificateVerification: r.file(stream, "stream/ssl skip certificate verification", r.bool, false),
    caPath: r.file(stream, "stream/CApath", r.text, ""),
    caFile: r.file(stream, "stream/CAfile", r.text, ""),
  };
  const missing = [
    // A destination that does not parse has its own error already.
    ...(sender.destination === "" && !destinationBad ? ["destination"] : []),
    ...(sender.apiKey === "" ? ["api key"] : []),
  ];
  if (sender.enabled && missing.length > 0) {
    r.problems.push(problem(
      "error",
      { ...whereFrom(r.sources.get("stream/enabled")!, "--role"), section: "stream", key: "enabled" },
      `Cannot enable streaming: "destination" and "api key" in [stream] must both be set, missing ${
        missing.map(q).join(" and ")
      }`,
    ));
  }
  return sender;
}

/** `allow from` when a section does not set it. */
const ALLOW_ALL = compileSimplePattern("*");

/**
 * Reads every receiver section (`[<API key>]`, `[<machine GUID>]`) into its typed form, in file
 * order; `ctx` gives the port of proxy destinations that name none.
 */
export function readReceivers(
  ini: IniFile,
  problems: ConfigProblem[],
  ctx: ReceiverContext,
): ReceiverSection[] {
  const out: ReceiverSection[] = [];
  for (const section of ini.sections) {
    if (section.name === "stream") continue;
    const values = new Map<string, string>();
    const top: Record<string, unknown> = {};
    const own: Record<string, unknown> = {};
    const defaults: Record<string, unknown> = {};
    for (const e of section.entries.values()) {
      values.set(e.key, e.value);
      const raw: RawValue = {
        value: e.value,
        file: ini.file,
        line: e.line,
        section: section.name,
        key: e.key,
      };
      const known = RECEIVER_KEYS.get(e.key);
      if (known) {
        const v = known.read(raw, problems, ctx);
        if (v !== undefined) {
          (known.into === "section" ? top : known.into === "own" ? own : defaults)[known.field] = v;
        }
      } else if (e.key === "replication_step") {
        // The stock stream.conf of Netdata 1.37 documents this name, but Netdata never reads it.
        problems.push(problem(
          "warning",
          raw,
          `Ignoring "replication_step" in [${section.name}]: Netdata does not read this name either; ` +
            `use "seconds per replication step"`,
        ));
      } else if (RECEIVER_UNUSED_KEYS.includes(e.key)) {
        problems.push(problem("warning", raw, notUsedMessage(section.name, e.key)));
      } else {
        problems.push(unknownKey(raw, RECEIVER_KEYS.keys()));
      }
    }
    if (!isUuid(section.name) && !RECEIVER_TEMPLATES.has(section.name)) {
      problems.push(problem(
        "warning",
        { file: ini.file, line: section.line, section: section.name, key: "" },
        `Section [${section.name}] will never match a sender: receiver sections are named by an API key ` +
          `or a machine GUID, which are UUIDs`,
      ));
    }
    out.push({
      name: section.name,
      type: (top.type as ReceiverSection["type"] | undefined) ?? "api",
      ...(top.enabled !== undefined ? { enabled: top.enabled as boolean } : {}),
      allowFrom: (top.allowFrom as SimplePattern | undefined) ?? ALLOW_ALL,
      ...(top.updateEvery !== undefined ? { updateEvery: top.updateEvery as number } : {}),
      own: own as ReceiverOptions,
      defaults: defaults as ReceiverOptions,
      values: new FrozenMap(values),
      file: ini.file,
      line: section.line,
    });
  }
  return out;
}

/** Reports the keys of `[stream]` that no reader took (all unknown: every Netdata key there is used). */
export function checkStreamLeftovers(stream: Doc, problems: ConfigProblem[]): void {
  for (const section of stream.ini.sections) {
    if (section.name !== "stream") continue;
    for (const e of section.entries.values()) {
      if (stream.isUsed("stream", e.key)) continue;
      problems.push(
        unknownKey({ file: stream.ini.file, line: e.line, section: "stream", key: e.key }, STREAM_KEYS),
      );
    }
  }
}
