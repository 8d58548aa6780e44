/**
 * Query-string parameters checked strictly: a percent-escape that is not UTF-8 (`%FF`, a lone surrogate's
 * `%ED%A0%80`) is refused rather than read as the literal characters, which is what the router does.
 */

const strict = new TextDecoder("utf-8", { fatal: true });

/** Tells whether every value of parameter `name` in `url`'s query string decodes as UTF-8. */
export function queryParamIsUtf8(url: string, name: string): boolean {
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1).split("#")[0] : "";
  for (const pair of query.split("&")) {
    const [key, value = ""] = pair.split("=", 2);
    if (key !== name) continue;
    const bytes: number[] = [];
    const plain = value.replaceAll("+", " ");
    for (let i = 0; i < plain.length; i++) {
      if (plain[i] === "%" && /^[0-9a-fA-F]{2}$/.test(plain.slice(i + 1, i + 3))) {
        bytes.push(parseInt(plain.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(plain.charCodeAt(i) & 0xff);
    }
    try {
      strict.decode(new Uint8Array(bytes));
    } catch {
      return false;
    }
  }
  return true;
}

/** The refusal of a parameter that is not UTF-8, as the API and the pages word it. */
export const NOT_UTF8 = "The search is not valid UTF-8; type it again.";
