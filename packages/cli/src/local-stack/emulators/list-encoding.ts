/**
 * `encoding-type=url` for fauxqs's ListObjects(V2), which ignores it. Clients that send it
 * (the MinIO SDK always does) URL-decode every key they get back, so a raw key with `%` or `+`
 * in it (Delta's escaped partition directories: `a=11%3A11`) came back wrong or threw.
 * Like S3, encode the key-like elements of the response and echo `<EncodingType>`.
 */
import type { buildApp } from 'fauxqs';

type FauxqsApp = ReturnType<typeof buildApp>;

const ENCODED = /<(Key|Prefix|Delimiter|StartAfter|Marker|NextMarker)>([^<]*)<\/\1>/g;

function unescapeXml(s: string): string {
  return s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** S3's URL encoding of a key in listings: percent-encoding, space as `+`. */
export function urlEncodeKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%20', '+');
}

/** Re-encodes a ListBucketResult body for `encoding-type=url` (encoded text needs no XML escaping). */
export function encodeListing(xml: string): string {
  const encoded = xml.replace(ENCODED, (_m, tag: string, text: string) => {
    return `<${tag}>${urlEncodeKey(unescapeXml(text))}</${tag}>`;
  });
  return encoded.replace(/(<ListBucketResult[^>]*>)/, '$1\n  <EncodingType>url</EncodingType>');
}

/** Installs the onSend hook that applies `encoding-type=url` to bucket listings. */
export function addListEncoding(app: FauxqsApp): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const query = (request.query ?? {}) as Record<string, string | undefined>;
    if (request.method !== 'GET' || query['encoding-type'] !== 'url') return payload;
    if (reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    if (!payload.includes('<ListBucketResult')) return payload;
    return encodeListing(payload);
  });
}
