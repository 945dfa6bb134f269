/**
 * The `format=` of `/api/v1/data`: picks the formatter (format_table.ts) and its separators for
 * each format Netdata knows, the content type, and the jsonwrap object around it
 * (format_jsonwrap.ts).
 * @module
 */

import { CT_HTML, CT_JS, CT_JSON, CT_TEXT, jsonEscape } from "./format.ts";
import { wrapBegin, wrapEnd } from "./format_jsonwrap.ts";
import { formatCsv, formatJson, formatSsv } from "./format_table.ts";
import { type DataQuery, OPT_JSON_WRAP, OPT_LABEL_QUOTES, type QueryScratch } from "./query/mod.ts";
import type { TextSink } from "./sink.ts";

/** A formatted data query: its Content-Type and body (UTF-8). */
export interface FormattedData {
  type: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * Prints a data query in its `format=`, wrapped when `jsonwrap` is set; `scratch` is the API
 * instance's point buffer (jsonwrap reads each dimension's latest value with it), `w` its reused
 * output buffer.
 */
export function formatData(q: DataQuery, scratch: QueryScratch, w: TextSink): FormattedData {
  try {
    const type = printData(q, scratch, w);
    return { type, bytes: w.take() };
  } catch (e) {
    w.reset();
    throw e;
  }
}

/** Prints the answer into `w` and returns its Content-Type. */
function printData(q: DataQuery, scratch: QueryScratch, w: TextSink): string {
  const req = q.request;
  const options = req.options;
  const r = q.run.result;
  const names = q.target.metrics.map((m) => m.dim.name);
  const wrapped = (options & OPT_JSON_WRAP) !== 0;
  const begin = (stringValue: boolean) => {
    if (wrapped) w.add(wrapBegin(q, { options, stringValue, scratch }));
  };
  const end = (stringValue: boolean) => {
    if (wrapped) w.add(wrapEnd(q, { options, stringValue, scratch }));
  };
  const plainEscape = (s: string) => s;
  switch (req.format) {
    case "ssv":
    case "ssvcomma": {
      const sep = req.format === "ssv" ? " " : ",";
      begin(true);
      formatSsv(w, r, { options, prefix: "", separator: sep, suffix: "" });
      end(true);
      return wrapped ? CT_JSON : CT_TEXT;
    }
    case "array": {
      begin(false);
      formatSsv(w, r, { options, prefix: "[", separator: ",", suffix: "]" });
      end(false);
      return CT_JSON;
    }
    case "csv":
    case "tsv":
    case "markdown": {
      const sep = req.format === "csv" ? "," : req.format === "tsv" ? "\t" : "|";
      begin(true);
      formatCsv(w, r, {
        names,
        options,
        startLine: "",
        separator: sep,
        endLine: wrapped ? "\\n" : "\r\n",
        betweenLines: "",
        markdown: req.format === "markdown",
        escape: wrapped ? jsonEscape : plainEscape,
      });
      end(true);
      return wrapped ? CT_JSON : CT_TEXT;
    }
    case "csvjsonarray": {
      begin(false);
      w.add("[\n");
      formatCsv(w, r, {
        names,
        options: options | OPT_LABEL_QUOTES,
        startLine: "[",
        separator: ",",
        endLine: "]",
        betweenLines: ",\n",
        markdown: false,
        escape: jsonEscape,
      });
      w.add("\n]");
      end(false);
      return CT_JSON;
    }
    case "html": {
      if (wrapped) {
        begin(true);
        w.add('<html>\\n<center>\\n<table border=\\"0\\" cellpadding=\\"5\\" cellspacing=\\"5\\">\\n');
        formatCsv(w, r, {
          names,
          options,
          startLine: "<tr><td>",
          separator: "</td><td>",
          endLine: "</td></tr>\\n",
          betweenLines: "",
          markdown: false,
          escape: jsonEscape,
        });
        w.add("</table>\\n</center>\\n</html>\\n");
        end(true);
        return CT_JSON;
      }
      w.add('<html>\n<center>\n<table border="0" cellpadding="5" cellspacing="5">\n');
      formatCsv(w, r, {
        names,
        options,
        startLine: "<tr><td>",
        separator: "</td><td>",
        endLine: "</td></tr>\n",
        betweenLines: "",
        markdown: false,
        escape: plainEscape,
      });
      w.add("</table>\n</center>\n</html>\n");
      return CT_HTML;
    }
    case "datasource": {
      const handler = req.responseHandler ?? "google.visualization.Query.setResponse";
      const gi = req.google;
      const last = r.rows > 0 ? r.before : 0;
      if (req.googleTimestamp >= last) {
        w.add(
          `${handler}({version:'${gi.version}',reqId:'${gi.reqId}',status:'error',` +
            `errors:[{reason:'not_modified',message:'Data not modified'}]});`,
        );
        return CT_JS;
      }
      const sig = q.target.request.chart?.lastEntrySec() ?? q.target.lastEntry;
      w.add(`${handler}({version:'${gi.version}',reqId:'${gi.reqId}',status:'ok',sig:'${sig}',table:`);
      begin(false);
      formatJson(w, r, { names, options, datatable: true });
      end(false);
      w.add("});");
      return CT_JS;
    }
    case "datatable": {
      begin(false);
      formatJson(w, r, { names, options, datatable: true });
      end(false);
      return CT_JSON;
    }
    case "jsonp": {
      const handler = req.responseHandler ?? "callback";
      w.add(handler + "(");
      begin(false);
      formatJson(w, r, { names, options, datatable: false });
      end(false);
      w.add(");");
      return CT_JS;
    }
    default: {
      begin(false);
      formatJson(w, r, { names, options, datatable: false });
      end(false);
      return CT_JSON;
    }
  }
}
