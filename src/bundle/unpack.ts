/**
 * Safe extraction of an experiment bundle (.tar.gz) someone else made. The archive is listed and
 * checked first; only an archive whose every member is a plain file or folder with a relative,
 * in-tree path and bounded size is extracted, into a temporary folder next to the target that is
 * renamed into place at the end. A rejected bundle leaves nothing behind.
 */
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { extract, list, type ReadEntry } from 'tar';
import { AblateError, EXIT } from '../errors.js';

export interface UnpackLimits {
  /** Largest single member, in bytes. */
  maxMemberBytes: number;
  /** Largest sum of member sizes, in bytes. */
  maxTotalBytes: number;
  /** Most members (files and folders). */
  maxEntries: number;
  /**
   * Largest ratio of unpacked bytes to the bundle's size. A bundle of text compresses about 5-10×;
   * far beyond that it is a decompression bomb, refused while listing, before anything is written.
   */
  maxExpansionRatio: number;
}

export const DEFAULT_UNPACK_LIMITS: UnpackLimits = {
  maxMemberBytes: 1024 ** 3,
  maxTotalBytes: 8 * 1024 ** 3,
  maxEntries: 200_000,
  maxExpansionRatio: 100,
};

/** The bundle index inside the archive, read while listing (it is small and packed before the stage files). */
const INDEX_MEMBER = 'bundle.json';
const MAX_INDEX_BYTES = 1024 * 1024;

/** What the checks need to know about one member; a subset of tar's ReadEntry. */
export interface MemberInfo {
  path: string;
  type: string;
  size: number;
  mode?: number;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Why a member may not be extracted, or undefined when it is fine. Pure, so both the listing pass
 * and the extraction pass apply exactly the same rules.
 */
export function memberProblem(member: MemberInfo, limits: UnpackLimits): string | undefined {
  const p = member.path;
  if (p.includes('\0')) return 'its path contains a NUL byte';
  if (p.includes('\\')) return 'its path contains a backslash; bundle paths use "/"';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'its path is absolute';
  if (p.split('/').includes('..')) return 'its path has a ".." segment that could point outside the target folder';
  if (member.type === 'SymbolicLink' || member.type === 'Link') return `it is a ${member.type === 'Link' ? 'hard' : 'symbolic'} link; bundles hold only files and folders`;
  if (!FILE_TYPES.has(member.type) && member.type !== 'Directory') return `it is a ${member.type} entry; bundles hold only files and folders`;
  if (member.mode !== undefined && (member.mode & 0o7000) !== 0) return 'it has setuid, setgid or sticky bits';
  if (member.size > limits.maxMemberBytes) return `it is ${member.size} bytes, over the limit of ${limits.maxMemberBytes} bytes per member`;
  return undefined;
}

/** Checks every member and the archive as a whole; returns one message per problem. */
class ArchiveChecker {
  readonly problems: string[] = [];
  private total = 0;
  private count = 0;
  private readonly files = new Set<string>();

  constructor(
    private readonly bundle: string,
    private readonly limits: UnpackLimits,
    /** Size of the compressed bundle: the members may add up to at most maxExpansionRatio times it. */
    private readonly compressedBytes: number,
    /** Member → size the bundle index declares (export writes them); every file must match it. */
    private readonly declared?: ReadonlyMap<string, number>,
  ) {}

  /** True when the member may be extracted. */
  check(member: MemberInfo): boolean {
    const problem = memberProblem(member, this.limits);
    if (problem) {
      this.problems.push(`${this.bundle}: member ${JSON.stringify(member.path)} rejected: ${problem}`);
      return false;
    }
    this.count++;
    if (this.count === this.limits.maxEntries + 1) this.problems.push(`${this.bundle}: more than ${this.limits.maxEntries} members`);
    if (FILE_TYPES.has(member.type)) {
      const key = path.posix.normalize(member.path);
      if (this.files.has(key)) {
        this.problems.push(`${this.bundle}: member ${JSON.stringify(member.path)} rejected: the archive holds this file twice`);
        return false;
      }
      this.files.add(key);
      if (this.declared && key !== INDEX_MEMBER) {
        const want = this.declared.get(key);
        if (want === undefined) {
          this.problems.push(`${this.bundle}: member ${JSON.stringify(member.path)} rejected: ${INDEX_MEMBER} does not declare it`);
          return false;
        }
        if (want !== member.size) {
          this.problems.push(`${this.bundle}: member ${JSON.stringify(member.path)} rejected: it is ${member.size} bytes, ${INDEX_MEMBER} declares ${want}`);
          return false;
        }
      }
      this.total += member.size;
      const cap = this.limits.maxExpansionRatio * Math.max(this.compressedBytes, 1);
      if (this.total > cap && this.total - member.size <= cap) {
        this.problems.push(
          `${this.bundle}: member ${JSON.stringify(member.path)} rejected: the members unpack to more than ${this.limits.maxExpansionRatio}× the bundle's ${this.compressedBytes} bytes (a decompression bomb?)`,
        );
      }
      if (this.total > this.limits.maxTotalBytes && this.total - member.size <= this.limits.maxTotalBytes) {
        this.problems.push(`${this.bundle}: member ${JSON.stringify(member.path)} rejected: the members add up to more than the limit of ${this.limits.maxTotalBytes} bytes`);
      }
    }
    return this.problems.length === 0;
  }

  fail(): never {
    const shown = this.problems.slice(0, 20);
    if (this.problems.length > shown.length) shown.push(`… and ${this.problems.length - shown.length} more`);
    throw new AblateError(`refusing to unpack ${this.bundle}:\n${shown.join('\n')}\nNothing was written.`, EXIT.usage);
  }
}

const infoOf = (e: ReadEntry): MemberInfo => ({ path: e.path, type: e.type, size: e.size ?? 0, mode: e.mode });

async function isEmptyDirOrAbsent(dir: string): Promise<boolean> {
  try {
    const s = await stat(dir);
    return s.isDirectory() && (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** The member sizes a bundle index declares (`files`), when it has them (bundles before them do not). */
function declaredSizes(index: Buffer): Map<string, number> | undefined {
  if (index.length === 0) return undefined;
  try {
    const files = (JSON.parse(index.toString('utf8')) as { files?: unknown }).files;
    if (typeof files !== 'object' || files === null) return undefined;
    const out = new Map<string, number>();
    for (const [k, v] of Object.entries(files)) if (typeof v === 'number') out.set(path.posix.normalize(k), v);
    return out;
  } catch {
    return undefined;
  }
}

export interface UnpackResult {
  targetDir: string;
  /** Extracted files, POSIX paths relative to targetDir, sorted. */
  files: string[];
  totalBytes: number;
}

/**
 * Extracts `bundlePath` into `targetDir`, which must not exist or be empty. Throws AblateError
 * (exit 2) naming every offending member; on any failure nothing is left in or next to targetDir.
 */
export async function unpackBundle(bundlePath: string, targetDir: string, limits: UnpackLimits = DEFAULT_UNPACK_LIMITS): Promise<UnpackResult> {
  const target = path.resolve(targetDir);
  if (!(await isEmptyDirOrAbsent(target))) {
    throw new AblateError(`cannot unpack into ${targetDir}: it exists and is not an empty folder; choose a new folder`, EXIT.usage);
  }
  let compressedBytes: number;
  try {
    compressedBytes = (await stat(bundlePath)).size;
  } catch (err) {
    throw new AblateError(`cannot read bundle ${bundlePath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, EXIT.usage);
  }

  // Pass 1: list and check, writing nothing; the index's declared sizes are read on the way.
  const listing = new ArchiveChecker(bundlePath, limits, compressedBytes);
  const members: MemberInfo[] = [];
  const indexChunks: Buffer[] = [];
  try {
    await list({
      file: bundlePath,
      strict: true,
      onReadEntry: (e) => {
        const info = infoOf(e);
        members.push(info);
        listing.check(info);
        if (path.posix.normalize(info.path) === INDEX_MEMBER && info.size <= MAX_INDEX_BYTES) e.on('data', (c: Buffer) => indexChunks.push(c));
      },
    });
  } catch (err) {
    // Our own findings first (an over-expanding member is seen at its header, before tar gives up on it).
    if (listing.problems.length > 0) listing.fail();
    throw new AblateError(`${bundlePath} is not a readable .tar.gz bundle: ${(err as Error).message}`, EXIT.usage);
  }
  if (listing.problems.length > 0) listing.fail();
  const declared = declaredSizes(Buffer.concat(indexChunks));
  if (declared) {
    const sized = new ArchiveChecker(bundlePath, limits, compressedBytes, declared);
    for (const m of members) sized.check(m);
    if (sized.problems.length > 0) sized.fail();
  }

  // Pass 2: extract into a sibling temp folder, re-checking each member in case the file changed meanwhile.
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(path.join(parent, `.${path.basename(target)}.unpack-`));
  const extraction = new ArchiveChecker(bundlePath, limits, compressedBytes, declared);
  const files: string[] = [];
  let totalBytes = 0;
  try {
    await extract({
      file: bundlePath,
      cwd: staging,
      strict: true,
      preserveOwner: false,
      filter: (_p, e) => {
        const info = infoOf(e as ReadEntry);
        const ok = extraction.check(info);
        if (ok && FILE_TYPES.has(info.type)) {
          files.push(path.posix.normalize(info.path));
          totalBytes += info.size;
        }
        return ok;
      },
    });
    if (extraction.problems.length > 0) extraction.fail();
    // mkdtemp made the folder private (0700); the unpacked folder gets ordinary permissions.
    await chmod(staging, 0o755 & ~process.umask());
    // rename(2) replaces an empty folder atomically, and creates an absent one.
    await rename(staging, target);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (err instanceof AblateError) throw err;
    throw new AblateError(`could not unpack ${bundlePath}: ${(err as Error).message}; nothing was written`, EXIT.usage);
  }
  return { targetDir: target, files: files.sort(), totalBytes };
}
