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

/** A formatted data query: its Content-Type and body. */
export interface FormattedData {
  type: string;
  text: string;
}

/**
 * Prints a data query in its `format=`, wrapped when `jsonwrap` is set; `scratch` is the API
 * instance's point buffer (jsonwrap reads each dimension's latest value with it).
 */
export function formatData(q: DataQuery, scratch: QueryScratch): FormattedData {
  const req = q.request;
  const options = req.options;
  const r = q.run.result;
  const names = q.target.metrics.map((m) => m.dim.name);
  const wrapped = (options & OPT_JSON_WRAP) !== 0;
  const begin = (stringValue: boolean) => wrapped ? wrapBegin(q, { options, stringValue, scratch }) : "";
  const end = (stringValue: boolean) => wrapped ? wrapEnd(q, { options, stringValue, scratch }) : "";
  const plainEscape = (s: string) => s;
  switch (req.format) {
    case "ssv":
    case "ssvcomma": {
      const sep = req.format === "ssv" ? " " : ",";
      const b = begin(true);
      const text = b + formatSsv(r, { options, prefix: "", separator: sep, suffix: "" }) + end(true);
      return { type: wrapped ? CT_JSON : CT_TEXT, text };
    }
    case "array": {
      const b = begin(false);
      return {
        type: CT_JSON,
        text: b + formatSsv(r, { options, prefix: "[", separator: ",", suffix: "]" }) + end(false),
      };
    }
    case "csv":
    case "tsv":
    case "markdown": {
      const sep = req.format === "csv" ? "," : req.format === "tsv" ? "\t" : "|";
      const b = begin(true);
      const text = b + formatCsv(r, {
        names,
        options,
        startLine: "",
        separator: sep,
        endLine: wrapped ? "\\n" : "\r\n",
        betweenLines: "",
        markdown: req.format === "markdown",
        escape: wrapped ? jsonEscape : plainEscape,
      }) + end(true);
      return { type: wrapped ? CT_JSON : CT_TEXT, text };
    }
    case "csvjsonarray": {
      const b = begin(false);
      const text = b + "[\n" + formatCsv(r, {
        names,
        options: options | OPT_LABEL_QUOTES,
        startLine: "[",
        separator: ",",
        endLine: "]",
        betweenLines: ",\n",
        markdown: false,
        escape: jsonEscape,
      }) + "\n]" + end(false);
      return { type: CT_JSON, text };
    }
    case "html": {
      if (wrapped) {
        const b = begin(true);
        const text = b +
          '<html>\\n<center>\\n<table border=\\"0\\" cellpadding=\\"5\\" cellspacing=\\"5\\">\\n' +
          formatCsv(r, {
            names,
            options,
            startLine: "<tr><td>",
            separator: "</td><td>",
            endLine: "</td></tr>\\n",
            betweenLines: "",
            markdown: false,
            escape: jsonEscape,
          }) + "</table>\\n</center>\\n</html>\\n" + end(true);
        return { type: CT_JSON, text };
      }
      const text = '<html>\n<center>\n<table border="0" cellpadding="5" cellspacing="5">\n' +
        formatCsv(r, {
          names,
          options,
          startLine: "<tr><td>",
          separator: "</td><td>",
          endLine: "</td></tr>\n",
          betweenLines: "",
          markdown: false,
          escape: plainEscape,
        }) + "</table>\n</center>\n</html>\n";
      return { type: CT_HTML, text };
    }
    case "datasource": {
      const handler = req.responseHandler ?? "google.visualization.Query.setResponse";
      const gi = req.google;
      const last = r.rows > 0 ? r.before : 0;
      if (req.googleTimestamp >= last) {
        return {
          type: CT_JS,
          text: `${handler}({version:'${gi.version}',reqId:'${gi.reqId}',status:'error',` +
            `errors:[{reason:'not_modified',message:'Data not modified'}]});`,
        };
      }
      const sig = q.target.request.chart?.lastEntrySec() ?? q.target.lastEntry;
      const text = `${handler}({version:'${gi.version}',reqId:'${gi.reqId}',status:'ok',sig:'${sig}',table:` +
        begin(false) + formatJson(r, { names, options, datatable: true }) + end(false) + "});";
      return { type: CT_JS, text };
    }
    case "datatable": {
      const b = begin(false);
      return { type: CT_JSON, text: b + formatJson(r, { names, options, datatable: true }) + end(false) };
    }
    case "jsonp": {
      const handler = req.responseHandler ?? "callback";
      const b = begin(false);
      return {
        type: CT_JS,
        text: handler + "(" + b + formatJson(r, { names, options, datatable: false }) + end(false) + ");",
      };
    }
    default: {
      const b = begin(false);
      return { type: CT_JSON, text: b + formatJson(r, { names, options, datatable: false }) + end(false) };
    }
  }
}
