/** Query parameters that carry a bearer token (the web page takes `?token=`). */
const SECRET_PARAMETERS = new Set(["token", "access_token"]);

/**
 * The request URL as it may be logged: the value of every parameter that carries a token
 * replaced by "[redacted]", the rest byte for byte as the client sent it.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart === -1) {
    return url;
  }
  const hashStart = url.indexOf("#", queryStart);
  const queryEnd = hashStart === -1 ? url.length : hashStart;
  const parameters = url
    .slice(queryStart + 1, queryEnd)
    .split("&")
    .map((parameter) => {
      const nameEnd = parameter.indexOf("=");
      const name = nameEnd === -1 ? parameter : parameter.slice(0, nameEnd);
      return SECRET_PARAMETERS.has(safeDecode(name).toLowerCase()) && nameEnd !== -1 ? `${name}=[redacted]` : parameter;
    });
  return `${url.slice(0, queryStart + 1)}${parameters.join("&")}${url.slice(queryEnd)}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}
