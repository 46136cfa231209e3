import { describe, expect, it } from 'vitest';
import { html, raw } from './html';

describe('html templates', () => {
  it('escapes interpolated text so data cannot inject markup', () => {
    const name = '<script>alert("x")</script> & \'co\'';
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>',
    );
  });

  it('nests fragments and lists without double escaping, and drops empty values', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${null}${false}${undefined}${raw('<hr>')}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul><hr>');
  });
});
