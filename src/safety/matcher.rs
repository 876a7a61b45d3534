//! Applies compiled [`Rules`] to one message: finds where each concept matches, drops
//! negated matches ("no fever"), fires rules whose concepts fall close together, and sets
//! aside firings framed as informational, past or resolved unless a cue says the danger is
//! happening now.

use std::ops::Range;

use super::RedFlag;
use super::measures;
use super::rules::{Body, Frame, MIN_FUZZY_LEN, Piece, Rule, Rules, Term, TermSet};
use super::tokens::{Token, tokenize};

/// One rule that fired on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    pub flag: RedFlag,
    /// The words of the message the rule matched, from first to last.
    pub words: String,
    /// Whether an informational, past or resolved framing set it aside.
    pub framed: bool,
}

/// Everything matched in one message.
struct Analysis<'a> {
    rules: &'a Rules,
    tokens: Vec<Token>,
    /// concept -> start -> ends of its matches (exceptions removed).
    ends: Vec<Vec<Vec<usize>>>,
    /// Words like "not" that belong to a matched phrase ("can not breathe", "won't stop"),
    /// and so negate nothing after them.
    consumed: Vec<bool>,
    /// concept -> every span, and the spans no negation reaches.
    all: Vec<Vec<Range<usize>>>,
    positive: Vec<Vec<Range<usize>>>,
}

/// Every firing in `text`, in rule-file order.
pub fn firings(rules: &Rules, text: &str) -> Vec<Firing> {
    let analysis = Analysis::new(rules, text);
    let mut out = Vec::new();
    for flag in &rules.flags {
        for rule in &flag.rules {
            for (span, parts) in analysis.windows(rule) {
                let words: Vec<&str> = analysis.tokens[span.clone()]
                    .iter()
                    .map(|t| t.raw.as_str())
                    .collect();
                // Framed as a whole, or each part framed on its own ("a seizure last month,
                // how likely is another one").
                let framed = analysis.framed(flag.flag, rule.named, &span, false)
                    || parts
                        .iter()
                        .all(|p| analysis.framed(flag.flag, rule.named, p, true));
                out.push(Firing {
                    flag: flag.flag,
                    words: words.join(" "),
                    framed,
                });
            }
        }
    }
    out
}

impl<'a> Analysis<'a> {
    fn new(rules: &'a Rules, text: &str) -> Self {
        let tokens = tokenize(text);
        let readings = measures::read(&tokens);
        let mut analysis = Self {
            rules,
            ends: vec![Vec::new(); rules.concepts.len()],
            consumed: vec![false; tokens.len()],
            all: Vec::new(),
            positive: Vec::new(),
            tokens,
        };
        for &id in &rules.order {
            let spans = match &rules.concepts[id] {
                Body::Measure(m) => m.spans(&readings),
                Body::Terms { terms, except } => {
                    let excluded = analysis.term_spans(except);
                    let mut spans = analysis.term_spans(terms);
                    spans.retain(|s| !excluded.iter().any(|x| overlaps(s, x)));
                    spans
                }
            };
            let mut by_start = vec![Vec::new(); analysis.tokens.len() + 1];
            for s in spans {
                if !by_start[s.start].contains(&s.end) {
                    by_start[s.start].push(s.end);
                }
            }
            analysis.ends[id] = by_start;
        }
        analysis.mark_consumed();
        analysis.collect_spans();
        analysis
    }

    /// Lists each concept's spans once, with and without the negated ones (numbers are never
    /// negated).
    fn collect_spans(&mut self) {
        let breaks: Vec<bool> = (0..self.tokens.len()).map(|p| self.breaks_at(p)).collect();
        let negated: Vec<bool> = (0..self.tokens.len())
            .map(|p| self.negated(p, &breaks))
            .collect();
        for (id, by_start) in self.ends.iter().enumerate() {
            let spans: Vec<Range<usize>> = by_start
                .iter()
                .enumerate()
                .flat_map(|(start, ends)| ends.iter().map(move |&end| start..end))
                .collect();
            let negatable = matches!(self.rules.concepts[id], Body::Terms { .. });
            let positive = spans
                .iter()
                .filter(|s| !(negatable && negated[s.start]))
                .cloned()
                .collect();
            self.all.push(spans);
            self.positive.push(positive);
        }
    }

    /// Marks the negation words inside matches of terms that spell one out.
    fn mark_consumed(&mut self) {
        let words = &self.rules.negation.words;
        let mut consumed = vec![false; self.tokens.len()];
        for body in &self.rules.concepts {
            let Body::Terms { terms, .. } = body else {
                continue;
            };
            let negative = |t: &&Term| {
                t.iter()
                    .any(|p| matches!(p, Piece::Stem(s) if words.contains(s)))
            };
            for term in terms.terms.iter().filter(negative) {
                for start in 0..self.tokens.len() {
                    for end in self.term_ends(term, start) {
                        let matched = consumed[start..end]
                            .iter_mut()
                            .zip(&self.tokens[start..end]);
                        for (flag, token) in matched {
                            *flag |= words.contains(&token.stem);
                        }
                    }
                }
            }
        }
        self.consumed = consumed;
    }

    /// Every span where any of `terms` matches.
    fn term_spans(&self, terms: &TermSet) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for (start, token) in self.tokens.iter().enumerate() {
            for term in terms.starting_at(&token.stem) {
                for end in self.term_ends(term, start) {
                    out.push(start..end);
                }
            }
        }
        out
    }

    /// Where `term` can end if it starts at `start`.
    fn term_ends(&self, term: &Term, start: usize) -> Vec<usize> {
        let mut pieces = term.iter();
        let mut at = Vec::new();
        if let Some(first) = pieces.next() {
            // Most terms fail on their first word: decide that without allocating.
            self.piece_ends(first, start, &mut at);
        }
        for piece in pieces {
            if at.is_empty() {
                break;
            }
            let mut next = Vec::new();
            for &pos in &at {
                self.piece_ends(piece, pos, &mut next);
            }
            next.sort_unstable();
            next.dedup();
            at = next;
        }
        at
    }

    /// Pushes where `piece` ends if it starts at `pos`.
    fn piece_ends(&self, piece: &Piece, pos: usize, out: &mut Vec<usize>) {
        let Some(token) = self.tokens.get(pos) else {
            return;
        };
        match piece {
            Piece::Stem(stem) if token.stem == *stem => out.push(pos + 1),
            Piece::Exact(w) if token.raw == *w => out.push(pos + 1),
            Piece::Prefix(p) if token.raw.starts_with(p.as_str()) => out.push(pos + 1),
            Piece::Fuzzy(stem) if fuzzy_equal(&token.stem, stem) => out.push(pos + 1),
            Piece::Any if !self.rules.negation.words.contains(&token.stem) => out.push(pos + 1),
            Piece::Ref(id) => out.extend(self.ends[*id][pos].iter().copied()),
            _ => {}
        }
    }

    /// Spans of `concept`, optionally without the negated ones.
    fn spans(&self, concept: usize, drop_negated: bool) -> &[Range<usize>] {
        if drop_negated {
            &self.positive[concept]
        } else {
            &self.all[concept]
        }
    }

    /// Whether a negation cue reaches the word at `start`; `breaks` marks the words that end
    /// a cue's reach.
    fn negated(&self, start: usize, breaks: &[bool]) -> bool {
        let n = &self.rules.negation;
        let lo = start.saturating_sub(n.reach + 3);
        (lo..start).any(|cue_start| {
            n.cues.iter().any(|cue| {
                self.term_ends(cue, cue_start).into_iter().any(|cue_end| {
                    !self.consumed[cue_start]
                        && cue_end <= start
                        && start - cue_end < n.reach
                        && self
                            .tokens
                            .get(cue_end)
                            .is_none_or(|t| !n.not_before.contains(&t.stem))
                        && !breaks[cue_end..start].iter().any(|b| *b)
                })
            })
        })
    }

    fn breaks_at(&self, pos: usize) -> bool {
        let breaks = &self.rules.negation.breaks;
        breaks.iter().any(|b| !self.term_ends(b, pos).is_empty())
    }

    /// Every window where `rule` fires, with the span of each of its concepts.
    fn windows(&self, rule: &Rule) -> Vec<(Range<usize>, Vec<Range<usize>>)> {
        let parts: Vec<&[Range<usize>]> = rule.all.iter().map(|&c| self.spans(c, true)).collect();
        let mut starts: Vec<usize> = parts
            .iter()
            .flat_map(|p| p.iter())
            .map(|s| s.start)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let mut out: Vec<(Range<usize>, Vec<Range<usize>>)> = Vec::new();
        for w in starts {
            let picked: Option<Vec<&Range<usize>>> = parts
                .iter()
                .map(|spans| {
                    spans
                        .iter()
                        .find(|s| s.start >= w && s.end - 1 <= w + rule.within)
                })
                .collect();
            let Some(picked) = picked else { continue };
            let end = picked.iter().map(|s| s.end).max().unwrap_or(w + 1);
            let span = w..end;
            if !self.vetoed(rule, &span) && !out.iter().any(|(o, _)| overlaps(o, &span)) {
                out.push((span, picked.into_iter().cloned().collect()));
            }
        }
        out
    }

    /// Whether an `unless` concept of `rule` is within `within` words of `span`.
    fn vetoed(&self, rule: &Rule, span: &Range<usize>) -> bool {
        let near = span.start.saturating_sub(rule.within)..span.end + rule.within;
        rule.unless
            .iter()
            .any(|&c| self.spans(c, true).iter().any(|s| overlaps(s, &near)))
    }

    /// Whether a framing cue sets one part of a firing aside and no present-tense cue brings
    /// it back. A firing is set aside only when every part of it is.
    ///
    /// Cues inside `span` count only when `inside` is set: for one part of a firing ("face
    /// swells when i eat"), not for a whole firing that tells a longer story.
    fn framed(&self, flag: RedFlag, named: bool, span: &Range<usize>, inside: bool) -> bool {
        let frames = self
            .rules
            .frames
            .iter()
            .filter(|f| !f.spares.contains(&flag) && (named || !f.named_only));
        let mut cues: Vec<Range<usize>> = Vec::new();
        let mut overridable = true;
        for frame in frames {
            let near = self.near(frame, span, inside);
            if !near.is_empty() && !frame.now_overrides {
                overridable = false;
            }
            cues.extend(near);
        }
        if cues.is_empty() {
            return false;
        }
        let present = self.near(&self.rules.present, span, inside);
        let now = present.iter().any(|p| !cues.iter().any(|f| overlaps(f, p)));
        !(overridable && now)
    }

    /// The cues of `frame` close enough to `span`: ending at most `before` words before it,
    /// starting at most `after` words after it, or (with `inside`) overlapping it.
    fn near(&self, frame: &Frame, span: &Range<usize>, inside: bool) -> Vec<Range<usize>> {
        self.spans(frame.cues, false)
            .iter()
            .filter(|c| {
                (inside && overlaps(c, span))
                    || (c.end <= span.start && span.start - c.end < frame.before)
                    || (c.start >= span.end && c.start - span.end < frame.after)
            })
            .cloned()
            .collect()
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Whether two stems are equal or one letter apart (a slip, a missing, extra or swapped
/// letter), for stems long enough that this rarely makes another word.
fn fuzzy_equal(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < MIN_FUZZY_LEN - 1 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}

#[cfg(test)]
mod tests {
    use super::fuzzy_equal;

    #[test]
    fn one_letter_slips_are_equal_and_two_are_not() {
        assert!(fuzzy_equal("seizur", "siezur"));
        assert!(fuzzy_equal("unconsci", "unconci"));
        assert!(fuzzy_equal("meningiti", "meningitu"));
        assert!(!fuzzy_equal("seizur", "sizing"));
        assert!(!fuzzy_equal("fit", "sit"), "short words are never fuzzy");
    }
}
