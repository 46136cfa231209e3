import { describe, expect, it } from 'vitest';
import { MultipartError, boundaryOf, parseMultipart } from './multipart';

describe('multipart/form-data', () => {
  it('reads text fields and a file part with its bytes untouched', () => {
    const file = Buffer.from([0xb6, 0xcb, 0x2c, 0x0d, 0x0a, 0x31]); // CP949 bytes, a CRLF inside the file
    const body = Buffer.concat([
      Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\ntoken-1\r\n'),
      Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="file"; filename="C:\\\\data\\\\인구.csv"\r\nContent-Type: text/csv\r\n\r\n'),
      file,
      Buffer.from('\r\n--XyZ--\r\n'),
    ]);
    const parsed = parseMultipart(body, boundaryOf('multipart/form-data; boundary=XyZ'));
    expect(parsed._csrf).toBe('token-1');
    expect(parsed.file).toEqual({ fileName: '인구.csv', contentType: 'text/csv', bytes: file });
  });

  it('refuses a body without its boundary or with an unterminated part', () => {
    expect(() => boundaryOf('multipart/form-data')).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'), 'b')).toThrow(MultipartError);
  });
});
