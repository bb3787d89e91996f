import { describe, expect, it } from 'vitest';
import { htmlToText } from './web.js';

describe('htmlToText', () => {
  it('keeps the readable text: scripts and styles dropped, blocks on their own lines, entities decoded', () => {
    const html = '<html><head><style>p{}</style><script>alert(1)</script></head><body><h1>Title</h1><p>Tea &amp; biscuits&#33;</p><ul><li>one</li><li>two</li></ul><!-- note --></body></html>';
    expect(htmlToText(html)).toBe('Title\nTea & biscuits!\n- one\n- two');
  });
});
