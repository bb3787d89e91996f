/**
 * The chunker, as plain JavaScript source for the file worker (see worker-source.ts for why the
 * worker is source text). It defines `chunkText(text, rules, budget, overlap, tokenizer)`, which
 * answers where the chunks are: a Uint32Array of start and end offsets into `text`, two per chunk.
 *
 * 1. The text is cut into units covering it end to end: lines, with runs of blank lines joined
 *    to the line before. Each unit ranks the boundary before it by `rules` (`markdown`, `code` or
 *    `prose`): a heading (h1 highest), a top-level definition, a paragraph, a sentence, a line.
 * 2. A unit longer than the overlap is cut at sentences (not for code), then at words, then hard
 *    by tokens, so that every unit fits in the overlap and the overlap can be made of whole units.
 * 3. Chunks are packed greedily: a chunk ends at the best-ranked boundary that leaves it at least
 *    half full, its exact token count is checked (token counts do not quite add up across unit
 *    boundaries), and the next chunk starts with the previous chunk's last units up to `overlap`
 *    tokens.
 *
 * `tokenizer` is `{ encode(text), decode(tokens), count(text), fits(text, limit) }`.
 */
export const CHUNK_SOURCE = String.raw`
const RANK_HARD = 0;
const RANK_WORD = 1;
const RANK_LINE = 2;
const RANK_SENTENCE = 3;
const RANK_PARAGRAPH = 4;
const RANK_DEFINITION = 5;
const RANK_DEFINITION_AFTER_BLANK = 6;
/** A heading of level n ranks RANK_HEADING_BASE - n: h1 = 11 ... h6 = 6. */
const RANK_HEADING_BASE = 12;

/** A unit longer than this many characters per allowed token is split without counting it. */
const MAX_CHARS_PER_TOKEN = 16;
/** Word pieces are grouped to about this many characters, so that units stay few. */
const WORD_GROUP_CHARS = 32;
/** Hard splits encode at most this many characters at once (a long run of letters is one BPE word). */
const HARD_WINDOW_CHARS = 4096;

const MARKDOWN_HEADING = /^(#{1,6})[ \t]/;
const MARKDOWN_FENCE = /^[ \t]{0,3}(?:${'```'}|~~~)/;
/** A line at column 0 that opens something (not a closing bracket): a definition, decorator or comment. */
const CODE_TOP_LEVEL = /^(?:[A-Za-z_$@#]|\/[\/*])/;
const LINE_ENDS_SENTENCE = /[.!?…:;]["'”’)\]]*\s*$/;
const SENTENCE_END = /[.!?…]["'”’)\]]*\s+(?=\S)/g;
const WORD = /\S+\s*/g;

function chunkText(text, rules, budget, overlap, tokenizer) {
  const units = { starts: [], ends: [], ranks: [], tokens: [] };
  const unitLimit = overlap > 0 ? overlap : budget;
  const splitters = rules === 'code' ? [splitWords] : [splitSentences, splitWords];

  function push(start, end, rank, tokens) {
    units.starts.push(start);
    units.ends.push(end);
    units.ranks.push(rank);
    units.tokens.push(tokens);
  }

  function addUnit(start, end, rank, level) {
    if (end - start <= unitLimit * MAX_CHARS_PER_TOKEN) {
      const tokens = tokenizer.count(text.slice(start, end));
      if (tokens <= unitLimit) return push(start, end, rank, tokens);
    }
    if (level >= splitters.length) return addHardUnits(start, end, rank);
    const pieces = splitters[level](text.slice(start, end));
    pieces.forEach((piece, index) => addUnit(start + piece.start, start + piece.end, index === 0 ? rank : piece.rank, level + 1));
  }

  function addHardUnits(start, end, rank) {
    let position = start;
    while (position < end) {
      const windowEnd = codePointBoundary(text, Math.min(end, position + HARD_WINDOW_CHARS));
      const tokens = tokenizer.encode(text.slice(position, windowEnd));
      let index = 0;
      while (index < tokens.length) {
        const piece = cleanPiece(tokens, index, position);
        if (!piece) break;
        push(position, position + piece.text.length, position === start ? rank : RANK_HARD, piece.tokens);
        position += piece.text.length;
        index += piece.taken;
      }
      if (index < tokens.length) {
        // Not even one token decodes to whole characters here: take one code point.
        const next = position + (text.codePointAt(position) > 0xffff ? 2 : 1);
        push(position, next, position === start ? rank : RANK_HARD, tokenizer.count(text.slice(position, next)));
        position = next;
      }
    }
  }

  /** The most tokens from index on (at most unitLimit) that decode to exactly the text at position. */
  function cleanPiece(tokens, index, position) {
    for (let taken = Math.min(unitLimit, tokens.length - index); taken > 0; taken--) {
      const pieceText = tokenizer.decode(tokens.slice(index, index + taken));
      if (!text.startsWith(pieceText, position)) continue;
      const count = tokenizer.count(pieceText);
      if (count <= unitLimit) return { text: pieceText, taken, tokens: count };
    }
    return undefined;
  }

  for (const line of lineUnits(text, rules)) addUnit(line.start, line.end, line.rank, 0);
  return pack(text, units, budget, overlap, tokenizer);
}

function codePointBoundary(text, index) {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index + 1 : index;
}

/** Lines (blank lines joined to the line before), each with the rank of the boundary before it. */
function lineUnits(text, rules) {
  const lines = [];
  let previousBlank = false;
  let previousEndsSentence = false;
  let inFence = false;
  let previousHeading = false;
  let position = 0;
  while (position < text.length) {
    const newline = text.indexOf('\n', position);
    const end = newline === -1 ? text.length : newline + 1;
    const line = text.slice(position, newline === -1 ? text.length : newline);
    if (line.trim() === '') {
      if (lines.length > 0) lines[lines.length - 1].end = end;
      else lines.push({ start: position, end, rank: RANK_PARAGRAPH });
      previousBlank = true;
    } else {
      let rank;
      if (rules === 'code') {
        const topLevel = CODE_TOP_LEVEL.test(line);
        rank = previousBlank ? (topLevel ? RANK_DEFINITION_AFTER_BLANK : RANK_PARAGRAPH) : topLevel ? RANK_DEFINITION : RANK_LINE;
      } else {
        const proseRank = previousBlank ? RANK_PARAGRAPH : previousEndsSentence ? RANK_SENTENCE : RANK_LINE;
        rank = proseRank;
        if (rules === 'markdown') {
          const heading = inFence ? null : MARKDOWN_HEADING.exec(line);
          if (MARKDOWN_FENCE.test(line)) {
            rank = inFence ? RANK_LINE : proseRank;
            inFence = !inFence;
          } else if (inFence) {
            rank = RANK_LINE;
          } else if (heading) {
            rank = RANK_HEADING_BASE - heading[1].length;
          }
          // A heading stays with what follows it.
          if (previousHeading) rank = RANK_WORD;
          previousHeading = heading !== null && !inFence;
        }
      }
      lines.push({ start: position, end, rank });
      previousBlank = false;
      previousEndsSentence = LINE_ENDS_SENTENCE.test(line);
    }
    position = end;
  }
  return lines;
}

/** Pieces of segment cut after each sentence's end (and the whitespace after it). */
function splitSentences(segment) {
  const pieces = [];
  let start = 0;
  for (const match of segment.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    pieces.push({ start, end, rank: RANK_SENTENCE });
    start = end;
  }
  if (start < segment.length) pieces.push({ start, end: segment.length, rank: RANK_SENTENCE });
  return pieces;
}

/** Pieces of segment of whole words (with the whitespace after them), about WORD_GROUP_CHARS long. */
function splitWords(segment) {
  const pieces = [];
  let start = 0;
  for (const match of segment.matchAll(WORD)) {
    const end = match.index + match[0].length;
    if (end - start >= WORD_GROUP_CHARS) {
      pieces.push({ start, end, rank: RANK_WORD });
      start = end;
    }
  }
  if (start < segment.length) pieces.push({ start, end: segment.length, rank: RANK_WORD });
  return pieces;
}

/** Packs units into chunks of at most budget tokens, each ending at the best boundary it can. */
function pack(text, units, budget, overlap, tokenizer) {
  const { starts, ends, ranks, tokens } = units;
  const count = starts.length;
  const offsets = [];
  let first = 0; // the chunk's first unit, overlap included
  let fresh = 0; // the first unit in no chunk yet
  while (fresh < count) {
    let total = 0;
    let stop = first;
    while (stop < count && total + tokens[stop] <= budget) total += tokens[stop++];
    let end = stop === count ? count : bestEnd(first, fresh, stop);
    while (!tokenizer.fits(text.slice(starts[first], ends[end - 1]), budget)) {
      if (end - 1 > fresh) end -= 1;
      else if (first < fresh) first += 1;
      else break;
    }
    offsets.push(starts[first], ends[end - 1]);
    fresh = end;
    first = overlapStart(first, end);
  }
  return Uint32Array.from(offsets);

  /** Among the ends after fresh that leave the chunk at least half full, the best-ranked (last on ties). */
  function bestEnd(first, fresh, stop) {
    let best = stop;
    let bestRank = -1;
    let total = 0;
    for (let end = first + 1; end <= stop; end++) {
      total += tokens[end - 1];
      if (end <= fresh || (total * 2 < budget && end < stop)) continue;
      if (ranks[end] >= bestRank) {
        best = end;
        bestRank = ranks[end];
      }
    }
    return best;
  }

  /** The earliest unit after first from which the units up to end fit in the overlap, leaving room for unit end. */
  function overlapStart(first, end) {
    if (end >= count) return end;
    const room = Math.min(overlap, budget - tokens[end]);
    let start = end;
    let total = 0;
    while (start - 1 > first && total + tokens[start - 1] <= room) total += tokens[--start];
    return start;
  }
}
`;
