import { describe, expect, it } from "vitest";
import { paginate } from "../../src/emulator/pagination.js";

function collect(total: number, maxResults: string | undefined, serverPageSize: number): number[][] {
  const pages: number[][] = [];
  let token: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const r = paginate({ total, listId: "accounts", nextToken: token, maxResults, serverPageSize });
    if (!r.ok) throw new Error(r.message);
    pages.push(Array.from({ length: r.page.end - r.page.start }, (_, i) => r.page.start + i));
    token = r.page.nextToken;
    if (!token) return pages;
  }
  throw new Error("pagination did not end");
}

describe("paginate", () => {
  it.each([
    { total: 0, max: undefined, server: 20, pages: 1 },
    { total: 5, max: "2", server: 20, pages: 3 },
    { total: 6, max: "2", server: 20, pages: 3 },
    { total: 45, max: undefined, server: 20, pages: 3 },
    { total: 45, max: "100", server: 20, pages: 3 },
    { total: 5000, max: "100", server: 100, pages: 50 },
  ])("returns every item exactly once: $total items, max $max, server $server", ({ total, max, server, pages }) => {
    const got = collect(total, max, server);
    expect(got).toHaveLength(pages);
    expect(got.flat()).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it("omits nextToken on the last page", () => {
    const r = paginate({ total: 2, listId: "a", maxResults: "2", serverPageSize: 20 });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.page).not.toHaveProperty("nextToken");
  });

  it.each(["0", "101", "-1", "abc", "1.5"])("rejects maxResults %s", (max) => {
    expect(paginate({ total: 5, listId: "a", maxResults: max, serverPageSize: 20 }).ok).toBe(false);
  });

  it("rejects a token from another list and garbage tokens", () => {
    const first = paginate({ total: 5, listId: "roles/1", maxResults: "2", serverPageSize: 20 });
    if (!first.ok || !first.page.nextToken) throw new Error("expected a token");
    expect(paginate({ total: 5, listId: "roles/2", nextToken: first.page.nextToken, serverPageSize: 20 }).ok).toBe(false);
    expect(paginate({ total: 5, listId: "roles/1", nextToken: "not-a-token", serverPageSize: 20 }).ok).toBe(false);
  });

  it("makes tokens that need percent-encoding, so clients must encode them", () => {
    const tokens = new Set<string>();
    let token: string | undefined;
    do {
      const r = paginate({ total: 300, listId: "accounts", nextToken: token, maxResults: "1", serverPageSize: 20 });
      if (!r.ok) throw new Error(r.message);
      token = r.page.nextToken;
      if (token) tokens.add(token);
    } while (token);
    expect([...tokens].some((t) => /[+/=]/.test(t))).toBe(true);
  });
});
