import { GITHUB_COMMENT_LIMIT, parseMarker, splitComment, syncStickyComment, type CommentApi } from '../../src/platform/comment';

class MemoryComments implements CommentApi {
  comments: Array<{ id: number; body: string }> = [{ id: 1, body: 'a human comment' }];
  calls: string[] = [];
  private next = 100;
  async list() {
    return this.comments.map((c) => ({ ...c }));
  }
  async create(body: string) {
    this.calls.push('create');
    this.comments.push({ id: this.next++, body });
  }
  async update(id: number | string, body: string) {
    this.calls.push(`update ${id}`);
    this.comments.find((c) => c.id === id)!.body = body;
  }
  async remove(id: number | string) {
    this.calls.push(`remove ${id}`);
    this.comments = this.comments.filter((c) => c.id !== id);
  }
}

function bigReport(sections: number): string {
  const lines = ['## Plan', '| a | b |', '| --- | --- |', '| 1 | 2 |'];
  for (let i = 0; i < sections; i++) {
    lines.push(`<details><summary>resource ${i}</summary>`, '', '```json', JSON.stringify({ i, pad: 'x'.repeat(900) }, null, 2), '```', '', '</details>');
  }
  return lines.join('\n');
}

describe('sticky PR/MR comments', () => {
  it('keeps a short body in one part with a hidden marker', () => {
    const [part, ...rest] = splitComment('plan:prod', 'hello');
    expect(rest).toHaveLength(0);
    expect(parseMarker(part)).toEqual({ key: 'plan:prod', part: 1 });
    expect(part).toContain('hello');
  });

  it('splits a body over GitHub\'s limit into parts that each fit, without cutting a block', () => {
    const body = bigReport(200);
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 2);
    const parts = splitComment('plan:prod', body);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const [i, part] of parts.entries()) {
      expect(part.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
      expect(parseMarker(part)?.part).toBe(i + 1);
      expect((part.match(/<details>/g) ?? []).length).toBe((part.match(/<\/details>/g) ?? []).length);
      expect((part.match(/```/g) ?? []).length % 2).toBe(0);
    }
    // Nothing lost: every resource section is in exactly one part.
    const all = parts.join('\n');
    for (let i = 0; i < 200; i++) expect(all.split(`resource ${i}<`).length - 1).toBe(1);
  });

  it('cuts a single line longer than the limit rather than failing', () => {
    const parts = splitComment('k', 'y'.repeat(3000), 1000);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.every((p) => p.length <= 1000)).toBe(true);
  });

  it('creates once, updates in place, and removes parts a shorter report no longer needs', async () => {
    const api = new MemoryComments();
    await syncStickyComment(api, 'plan:prod', bigReport(200), GITHUB_COMMENT_LIMIT);
    const created = api.calls.filter((c) => c === 'create').length;
    expect(created).toBeGreaterThanOrEqual(3);

    api.calls = [];
    await syncStickyComment(api, 'plan:prod', bigReport(200), GITHUB_COMMENT_LIMIT);
    expect(api.calls).toEqual([]); // unchanged report: no API writes at all

    await syncStickyComment(api, 'plan:prod', 'small now', GITHUB_COMMENT_LIMIT);
    expect(api.calls.filter((c) => c.startsWith('update'))).toHaveLength(1);
    expect(api.calls.filter((c) => c.startsWith('remove'))).toHaveLength(created - 1);
    expect(api.comments.map((c) => c.body)).toEqual(['a human comment', expect.stringContaining('small now')]);
  });

  it('leaves comments of other keys alone', async () => {
    const api = new MemoryComments();
    await syncStickyComment(api, 'plan:dev', 'dev plan', GITHUB_COMMENT_LIMIT);
    await syncStickyComment(api, 'plan:prod', 'prod plan', GITHUB_COMMENT_LIMIT);
    await syncStickyComment(api, 'plan:dev', 'dev plan v2', GITHUB_COMMENT_LIMIT);
    expect(api.comments).toHaveLength(3);
    expect(api.comments[2].body).toContain('prod plan');
  });
});
