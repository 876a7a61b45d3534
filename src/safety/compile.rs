//! Compiles a parsed rules file into [`Rules`]: resolves concept names, parses terms and
//! measures, orders concepts so each follows those it refers to, and checks every flag.

use std::collections::{BTreeMap, HashMap};

use toml::Spanned;

use super::RedFlag;
use super::measures::Measure;
use super::rules::{
    Body, DEFAULT_WITHIN, FlagRules, Frame, MIN_FUZZY_LEN, Negation, Piece, Rule, Rules,
    RulesError, Term, TermSet, line_of,
};
use super::schema::{File, FlagFile, FrameFile};
use super::tokens;

pub(super) struct Compiler<'a> {
    text: &'a str,
    ids: HashMap<String, usize>,
}

impl<'a> Compiler<'a> {
    pub(super) fn new(text: &'a str, file: &File) -> Result<Self, RulesError> {
        let mut ids = HashMap::new();
        let names = file.concepts.keys().chain(file.measures.keys());
        for name in names {
            if ids.insert(name.clone(), ids.len()).is_some() {
                return Err(RulesError {
                    line: None,
                    message: format!("`{name}` is both a concept and a measure"),
                });
            }
        }
        Ok(Self { text, ids })
    }

    fn error<T>(&self, span: std::ops::Range<usize>, message: String) -> Result<T, RulesError> {
        Err(RulesError {
            line: Some(line_of(self.text, span.start)),
            message,
        })
    }

    pub(super) fn compile(&self, file: File) -> Result<Rules, RulesError> {
        let mut concepts = vec![Body::Measure(Measure::CountAtLeast(0.0)); self.ids.len()];
        for (name, terms) in &file.concepts {
            let except = file.except.get(name).map_or(&[][..], Vec::as_slice);
            concepts[self.ids[name]] = Body::Terms {
                terms: TermSet::new(self.terms(terms)?),
                except: TermSet::new(self.terms(except)?),
            };
        }
        for (name, spec) in &file.except {
            if !file.concepts.contains_key(name) {
                let line = spec.first().map(|s| s.span()).unwrap_or(0..0);
                return self.error(line, format!("`except.{name}` names no concept"));
            }
        }
        for (name, spec) in &file.measures {
            concepts[self.ids[name]] = Body::Measure(self.measure(name, spec)?);
        }
        let order = self.order(&concepts)?;
        let mut flags: Vec<FlagRules> = Vec::new();
        for f in file.flag {
            let span = f.id.span();
            let flag = self.flag(f)?;
            if flags.iter().any(|g| g.flag == flag.flag) {
                return self.error(span, format!("flag `{}` is listed twice", flag.flag));
            }
            flags.push(flag);
        }
        if let Some(missing) = RedFlag::ALL
            .iter()
            .find(|id| !flags.iter().any(|f| f.flag == **id))
        {
            return Err(RulesError {
                line: None,
                message: format!("flag `{missing}` has no [[flag]] entry"),
            });
        }
        let supportive = file
            .supportive
            .iter()
            .map(|s| self.slug(s))
            .collect::<Result<_, _>>()?;
        let cues = self.terms(&file.negation.cues)?;
        Ok(Rules {
            concepts,
            order,
            negation: Negation {
                words: cues
                    .iter()
                    .filter_map(|t| match t.as_slice() {
                        [Piece::Stem(s)] => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
                cues,
                breaks: self.terms(&file.negation.breaks)?,
                not_before: file
                    .negation
                    .not_before
                    .iter()
                    .map(|w| crate::text::stem(&w.get_ref().to_lowercase()))
                    .collect(),
                reach: file.negation.reach,
            },
            present: self.frame(&file.present)?,
            frames: file
                .frame
                .iter()
                .map(|f| self.frame(f))
                .collect::<Result<_, _>>()?,
            flags,
            supportive,
        })
    }

    fn terms(&self, terms: &[Spanned<String>]) -> Result<Vec<Term>, RulesError> {
        terms.iter().map(|t| self.term(t)).collect()
    }

    fn term(&self, term: &Spanned<String>) -> Result<Term, RulesError> {
        let mut pieces = Vec::new();
        for word in term.get_ref().split_whitespace() {
            let lower = word.to_lowercase();
            if let Some(name) = lower.strip_prefix('@') {
                match self.ids.get(name) {
                    Some(&id) => pieces.push(Piece::Ref(id)),
                    None => return self.error(term.span(), format!("`@{name}` names no concept")),
                }
            } else if lower == "_" {
                pieces.push(Piece::Any);
            } else if let Some(exact) = lower.strip_prefix('=') {
                if exact.is_empty() || !exact.chars().all(char::is_alphanumeric) {
                    let msg = format!("{word:?}: `=` needs a word made of letters or digits");
                    return self.error(term.span(), msg);
                }
                pieces.push(Piece::Exact(exact.to_owned()));
            } else if let Some(prefix) = lower.strip_suffix('*') {
                if prefix.chars().count() < 3 || !prefix.chars().all(char::is_alphanumeric) {
                    let msg = format!("{word:?}: `*` needs at least three letters before it");
                    return self.error(term.span(), msg);
                }
                pieces.push(Piece::Prefix(prefix.to_owned()));
            } else if let Some(exact) = lower.strip_suffix('~') {
                if exact.chars().count() < MIN_FUZZY_LEN {
                    let msg = format!("{word:?}: `~` needs a word of {MIN_FUZZY_LEN}+ letters");
                    return self.error(term.span(), msg);
                }
                pieces.push(Piece::Fuzzy(crate::text::stem(exact)));
            } else {
                pieces.extend(
                    tokens::tokenize(word)
                        .into_iter()
                        .map(|t| Piece::Stem(t.stem)),
                );
            }
        }
        if pieces.is_empty() || pieces.iter().all(|p| *p == Piece::Any) {
            return self.error(term.span(), format!("the term {term:?} has no words"));
        }
        Ok(pieces)
    }

    fn measure(
        &self,
        name: &str,
        spec: &Spanned<BTreeMap<String, toml::Value>>,
    ) -> Result<Measure, RulesError> {
        let mut entries = spec.get_ref().iter();
        let (Some((key, value)), None) = (entries.next(), entries.next()) else {
            let msg = format!("measure `{name}` needs exactly one condition");
            return self.error(spec.span(), msg);
        };
        let amount = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            _ => {
                return self.error(
                    spec.span(),
                    format!("measure `{name}`: `{key}` is not an amount"),
                );
            }
        };
        Measure::parse(key, &amount)
            .or_else(|e| self.error(spec.span(), format!("measure `{name}`: {e}")))
    }

    fn frame(&self, frame: &FrameFile) -> Result<Frame, RulesError> {
        let mut spares = Vec::new();
        for id in &frame.spares {
            spares.push(self.flag_id(id)?);
        }
        Ok(Frame {
            cues: self.concept(&frame.cues)?,
            before: frame.before,
            after: frame.after,
            now_overrides: frame.now_overrides,
            named_only: frame.named_only,
            spares,
        })
    }

    fn flag_id(&self, id: &Spanned<String>) -> Result<RedFlag, RulesError> {
        RedFlag::from_id(id.get_ref()).map_or_else(
            || {
                let known: Vec<&str> = RedFlag::ALL.iter().map(|f| f.id()).collect();
                let msg = format!(
                    "unknown flag `{}`; the flags are {}",
                    id.get_ref(),
                    known.join(", ")
                );
                self.error(id.span(), msg)
            },
            Ok,
        )
    }

    fn concepts(&self, names: &[Spanned<String>]) -> Result<Vec<usize>, RulesError> {
        names.iter().map(|c| self.concept(c)).collect()
    }

    fn concept(&self, name: &Spanned<String>) -> Result<usize, RulesError> {
        match self.ids.get(name.get_ref()) {
            Some(&id) => Ok(id),
            None => self.error(
                name.span(),
                format!("`{}` names no concept or measure", name.get_ref()),
            ),
        }
    }

    fn flag(&self, f: FlagFile) -> Result<FlagRules, RulesError> {
        let flag = self.flag_id(&f.id)?;
        check_advice(f.advice.get_ref(), flag).or_else(|m| self.error(f.advice.span(), m))?;
        let mut rules = Vec::new();
        for r in &f.rules {
            let Some(first) = r.all.first() else {
                return self.error(
                    f.id.span(),
                    format!("flag `{flag}`: a rule has an empty `all`"),
                );
            };
            let within = r.within.unwrap_or(DEFAULT_WITHIN);
            if within == 0 {
                return self.error(first.span(), "`within` must be at least 1".to_owned());
            }
            rules.push(Rule {
                all: self.concepts(&r.all)?,
                within,
                unless: self.concepts(&r.unless)?,
                named: r.named,
            });
        }
        Ok(FlagRules {
            flag,
            article: f.article.as_ref().map(|s| self.slug(s)).transpose()?,
            advice: f.advice.get_ref().trim().to_owned(),
            rules,
        })
    }

    fn slug(&self, slug: &Spanned<String>) -> Result<String, RulesError> {
        crate::content::validate_slug(slug.get_ref()).or_else(|m| self.error(slug.span(), m))?;
        Ok(slug.get_ref().clone())
    }

    /// Orders concepts so each follows those it refers to; refuses cycles.
    fn order(&self, concepts: &[Body]) -> Result<Vec<usize>, RulesError> {
        let names: HashMap<usize, &str> = self.ids.iter().map(|(n, &i)| (i, n.as_str())).collect();
        let refs = |body: &Body| -> Vec<usize> {
            let Body::Terms { terms, except } = body else {
                return Vec::new();
            };
            let pieces = terms.terms.iter().chain(&except.terms).flatten();
            pieces
                .filter_map(|p| match p {
                    Piece::Ref(id) => Some(*id),
                    _ => None,
                })
                .collect()
        };
        // 0 = not visited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; concepts.len()];
        let mut order = Vec::with_capacity(concepts.len());
        fn visit(
            id: usize,
            state: &mut [u8],
            order: &mut Vec<usize>,
            edges: &dyn Fn(usize) -> Vec<usize>,
        ) -> Result<(), usize> {
            match state[id] {
                2 => return Ok(()),
                1 => return Err(id),
                _ => {}
            }
            state[id] = 1;
            for next in edges(id) {
                visit(next, state, order, edges)?;
            }
            state[id] = 2;
            order.push(id);
            Ok(())
        }
        let edges = |id: usize| refs(&concepts[id]);
        for id in 0..concepts.len() {
            visit(id, &mut state, &mut order, &edges).map_err(|at| RulesError {
                line: None,
                message: format!("concept `{}` refers back to itself through `@`", names[&at]),
            })?;
        }
        Ok(order)
    }
}

/// Checks an advice text's placeholders; crisis advice must name the crisis line.
fn check_advice(advice: &str, flag: RedFlag) -> Result<(), String> {
    let mut rest = advice;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or("an advice `{` is never closed")?;
        let name = &rest[open + 1..open + close];
        if name != "emergency" && name != "crisis_line" {
            return Err(format!(
                "unknown placeholder `{{{name}}}`; use {{emergency}} or {{crisis_line}}"
            ));
        }
        rest = &rest[open + close + 1..];
    }
    if advice.trim().is_empty() {
        return Err(format!("flag `{flag}` has empty advice"));
    }
    if flag == RedFlag::Crisis && !advice.contains("{crisis_line}") {
        return Err("crisis advice must name the {crisis_line}".to_owned());
    }
    Ok(())
}
