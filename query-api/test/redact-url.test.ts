import { describe, expect, it } from "vitest";
import { redactUrl } from "../src/http/redact-url";

describe("redactUrl", () => {
  it("replaces the token parameter's value and keeps every other byte", () => {
    expect(redactUrl("/?token=eyJhbGciOiJFUzI1NiJ9.e30.sig&person=1")).toBe("/?token=[redacted]&person=1");
    expect(redactUrl("/v1/persons?limit=5&access_token=abc#top")).toBe("/v1/persons?limit=5&access_token=[redacted]#top");
  });

  it("recognises an encoded or capitalised name", () => {
    expect(redactUrl("/?%74oken=abc")).toBe("/?%74oken=[redacted]");
    expect(redactUrl("/?Token=abc&TOKEN=def")).toBe("/?Token=[redacted]&TOKEN=[redacted]");
  });

  it("leaves URLs without a token alone, malformed escapes included", () => {
    for (const url of ["/", "/docs", "/?tokens=1", "/?token", "/?a=%E0%A4%A&b=2", "/api/persons/1/connection?distance=5"]) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});
