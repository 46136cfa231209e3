// A small multipart/form-data reader (RFC 7578) for the upload console's file form, since the
// project adds no packages: the whole body is in memory (its size is capped by the route), parts
// are split on the boundary, text parts become strings and file parts keep their bytes.

export interface UploadedPart {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export type MultipartBody = Record<string, string | UploadedPart>;

export class MultipartError extends Error {}

export function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  if (!match) throw new MultipartError('multipart/form-data without a boundary');
  return match[1] ?? match[2]!;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundary}`);
  const result: MultipartBody = {};
  let position = body.indexOf(delimiter);
  if (position < 0) throw new MultipartError('no multipart boundary in the body');
  for (;;) {
    position += delimiter.length;
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return result; // closing "--"
    if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw new MultipartError('a part without headers');
    const headers = body.subarray(position, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new MultipartError('an unterminated part');
    const content = body.subarray(headerEnd + 4, next);
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined && !(name in result)) {
      result[name] =
        fileName !== undefined
          ? { fileName: fileName.split(/[\\/]/).pop() ?? '', contentType: /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream', bytes: Buffer.from(content) }
          : content.toString('utf8');
    }
    position = next + 2;
  }
}
