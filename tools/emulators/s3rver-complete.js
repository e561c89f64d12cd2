'use strict';
// s3rver 3.7.1 for the artifact-store tests, with what it lacks filled in so the S3 store runs unchanged against it:
// ListObjectsV2 in key order with correct pages and delimiters, CopyObject of keys with encoded characters,
// DeleteObjects one key at a time (its parallel deletes race on removing empty folders), AbortMultipartUpload,
// ListMultipartUploads and UploadPartCopy. Path-style only, no signature checks (a test server on loopback).
//
// Usage: node s3rver-complete.js <folder> [port]   (port 0 or none: a free one)
// Prints "s3rver listening on 127.0.0.1:<port>" once it answers, and exits when its standard input closes, so the
// test process that started it cannot leave it behind.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const S3rver = require('s3rver');
const S3Error = require('s3rver/lib/models/error');

const OBJECT_SUFFIX = '._S3rver_object';
const INTERNAL = '._S3rver_';

const [folder, port = '0'] = process.argv.slice(2);
if (!folder) {
  console.error('usage: node s3rver-complete.js <folder> [port]');
  process.exit(2);
}
fs.mkdirSync(folder, { recursive: true });

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory: folder,
  silent: true,
  vhostBuckets: false,
  allowMismatchedSignatures: true,
});
const store = server.store;
const uploadsFolder = bucket => store.getResourcePath(bucket, undefined, 'uploads');

// ---- requests ----

/** Path-style "/bucket/key": the bucket and the decoded key ("" for the bucket itself). */
function target(ctx) {
  const [, bucket = '', rest] = /^\/([^/]*)\/?(.*)$/.exec(ctx.path) || [];
  return { bucket, key: rest ? rest.split('/').map(decodeURIComponent).join('/') : '' };
}

async function existingBucket(bucket) {
  if (!(await store.getBucket(bucket)))
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
}

async function completing(ctx, next) {
  const { bucket, key } = target(ctx);
  const q = ctx.query;
  const copySource = ctx.headers['x-amz-copy-source'];
  if (!bucket) return next();
  if (!key && ctx.method === 'GET' && q['list-type'] === '2') return listObjects(ctx, bucket);
  if (!key && ctx.method === 'GET' && 'uploads' in q) return listUploads(ctx, bucket);
  if (!key && ctx.method === 'POST' && 'delete' in q) return deleteObjects(ctx, bucket);
  if (key && ctx.method === 'DELETE' && q.uploadId) return abortUpload(ctx, bucket, q.uploadId);
  if (key && ctx.method === 'PUT' && copySource && q.uploadId) return copyPart(ctx, bucket, q, copySource);
  if (key && ctx.method === 'PUT' && copySource && !('tagging' in q)) return copyObject(ctx, bucket, key, copySource);
  return next();
}

// ---- listing ----

/** Every key under the folder the prefix names (none when it is missing), sorted by UTF-16 code unit like S3's ASCII order. */
function keysUnder(bucket, prefix) {
  const bucketPath = store.getBucketPath(bucket);
  const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
  const keys = [];
  const walk = (dir, keyPrefix) => {
    let entries;
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { if (e.code === 'ENOENT') return; throw e; }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!entry.name.includes(INTERNAL)) walk(path.join(dir, entry.name), keyPrefix + entry.name + '/');
      } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
        const key = keyPrefix + entry.name.slice(0, -OBJECT_SUFFIX.length);
        if (key.startsWith(prefix)) keys.push(key);
      }
    }
  };
  walk(path.join(bucketPath, base), base ? base + '/' : '');
  return keys.sort();
}

async function listObjects(ctx, bucket) {
  await existingBucket(bucket);
  const q = ctx.query;
  const prefix = q.prefix || '';
  const delimiter = q.delimiter || '';
  const maxKeys = Math.min(1000, q['max-keys'] === undefined ? 1000 : Number(q['max-keys']));
  const after = q['continuation-token'] ? Buffer.from(q['continuation-token'], 'base64').toString('utf8') : q['start-after'] || '';

  // Keys and common prefixes share one page of at most max-keys entries, in key order.
  const entries = [];
  for (const key of keysUnder(bucket, prefix)) {
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry = cut === -1 ? { key } : { prefix: key.slice(0, cut + delimiter.length) };
    const name = entry.key ?? entry.prefix;
    if (name <= after || (after.endsWith(delimiter) && delimiter && name.startsWith(after))) continue;
    if (entries.length && entries[entries.length - 1].prefix === name) continue;
    entries.push(entry);
  }
  const page = entries.slice(0, maxKeys);
  const truncated = entries.length > page.length;
  const last = page.length ? page[page.length - 1].key ?? page[page.length - 1].prefix : '';
  const contents = page.filter(e => e.key !== undefined).map(e => {
    const stat = fs.statSync(store.getResourcePath(bucket, e.key, 'object'));
    return { Key: e.key, LastModified: stat.mtime.toISOString(), ETag: '"' + etagOf(bucket, e.key) + '"', Size: stat.size, StorageClass: 'STANDARD' };
  });
  ctx.body = {
    ListBucketResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Name: bucket,
      Prefix: prefix,
      ContinuationToken: q['continuation-token'] || undefined,
      NextContinuationToken: truncated ? Buffer.from(last, 'utf8').toString('base64') : undefined,
      KeyCount: page.length,
      MaxKeys: maxKeys,
      Delimiter: delimiter || undefined,
      IsTruncated: truncated,
      Contents: contents,
      CommonPrefixes: page.filter(e => e.prefix !== undefined).map(e => ({ Prefix: e.prefix })),
    },
  };
}

function etagOf(bucket, key) {
  try { return fs.readFileSync(store.getResourcePath(bucket, key, 'object.md5'), 'utf8'); } catch { return ''; }
}

// ---- multipart uploads ----

function uploadsOf(bucket) {
  const dir = uploadsFolder(bucket);
  let ids;
  try { ids = fs.readdirSync(dir); } catch (e) { if (e.code === 'ENOENT') return []; throw e; }
  return ids.flatMap(id => {
    try {
      const keyFile = path.join(dir, id, 'key');
      return [{ id, key: fs.readFileSync(keyFile, 'utf8'), initiated: fs.statSync(keyFile).mtime }];
    } catch (e) { if (e.code === 'ENOENT') return []; throw e; }
  });
}

async function listUploads(ctx, bucket) {
  await existingBucket(bucket);
  const prefix = ctx.query.prefix || '';
  const uploads = uploadsOf(bucket).filter(u => u.key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1));
  ctx.body = {
    ListMultipartUploadsResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Bucket: bucket,
      Prefix: prefix,
      MaxUploads: 1000,
      IsTruncated: false,
      Upload: uploads.map(u => ({ Key: u.key, UploadId: u.id, Initiated: u.initiated.toISOString(), StorageClass: 'STANDARD' })),
    },
  };
}

function uploadFolder(bucket, uploadId) {
  const dir = path.join(uploadsFolder(bucket), path.basename(uploadId));
  if (!fs.existsSync(path.join(dir, 'key')))
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
  return dir;
}

async function abortUpload(ctx, bucket, uploadId) {
  await existingBucket(bucket);
  fs.rmSync(uploadFolder(bucket, uploadId), { recursive: true, force: true });
  ctx.status = 204;
}

/** "/bucket/key?versionId=..." or "bucket/key", percent-encoded, as the SDKs send x-amz-copy-source. */
function copySourceOf(header) {
  const [source] = header.split('?');
  const [bucket, ...key] = decodeURIComponent(source.replace(/^\//, '')).split('/');
  return { bucket, key: key.join('/') };
}

async function existingSource(header) {
  const source = copySourceOf(header);
  await existingBucket(source.bucket);
  if (!(await store.existsObject(source.bucket, source.key)))
    throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: source.key });
  return source;
}

async function copyObject(ctx, bucket, key, header) {
  await existingBucket(bucket);
  const source = await existingSource(header);
  const replace = ctx.headers['x-amz-metadata-directive'] === 'REPLACE';
  const metadata = await store.copyObject(source.bucket, source.key, bucket, key, replace ? ctx.headers : null);
  ctx.body = { CopyObjectResult: { LastModified: new Date(metadata['last-modified']).toISOString(), ETag: metadata.etag } };
}

async function copyPart(ctx, bucket, q, header) {
  await existingBucket(bucket);
  const dir = uploadFolder(bucket, q.uploadId);
  const source = await existingSource(header);
  const sourcePath = store.getResourcePath(source.bucket, source.key, 'object');
  const size = fs.statSync(sourcePath).size;
  const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(ctx.headers['x-amz-copy-source-range'] || '') || [null, 0, size - 1];
  if (Number(last) >= size || Number(first) > Number(last))
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', { ActualObjectSize: size });
  const partPath = path.join(dir, String(Number(q.partNumber)));
  const md5 = crypto.createHash('md5');
  await new Promise((resolve, reject) => {
    const input = fs.createReadStream(sourcePath, { start: Number(first), end: Number(last) });
    const output = fs.createWriteStream(partPath);
    input.on('data', chunk => md5.update(chunk)).on('error', reject);
    output.on('finish', resolve).on('error', reject);
    input.pipe(output);
  });
  const etag = md5.digest('hex');
  fs.writeFileSync(`${partPath}.md5`, etag);
  ctx.body = { CopyPartResult: { LastModified: new Date().toISOString(), ETag: JSON.stringify(etag) } };
}

// ---- deletes ----

async function deleteObjects(ctx, bucket) {
  await existingBucket(bucket);
  const xml = await new Promise((resolve, reject) => {
    let text = '';
    ctx.req.setEncoding('utf8');
    ctx.req.on('data', d => (text += d)).on('end', () => resolve(text)).on('error', reject);
  });
  // Keys by hand: the XML parser would turn a key such as "123" into a number.
  const keys = [...xml.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map(m => unescapeXml(m[1]));
  for (const key of keys) {
    if (await store.existsObject(bucket, key)) {
      try { await store.deleteObject(bucket, key); } catch (e) { if (e.code !== 'ENOENT' && e.code !== 'ENOTEMPTY') throw e; }
    }
  }
  ctx.body = {
    DeleteResult: { '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' }, Deleted: keys.map(k => ({ Key: k })) },
  };
}

function unescapeXml(text) {
  return text.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#\d+);/g, (_, e) =>
    ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[e] ??
      String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))));
}

// ---- start ----

// In front of s3rver's router (the last middleware), behind its XML encoding of plain-object bodies.
server.middleware.splice(server.middleware.length - 1, 0, completing);
server.run().then(
  address => console.log(`s3rver listening on ${address.address}:${address.port}`),
  error => {
    console.error(error);
    process.exit(1);
  },
);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
