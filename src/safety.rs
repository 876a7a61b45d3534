//! Red-flag detection: questions that describe a possible emergency get emergency advice
//! before anything else.
//!
//! Matching is deliberately simple and conservative: phrases are compared as word stems, so
//! "can't breathe", "cannot breathe" and "CAN'T BREATHE!!" all match, and a false alarm only
//! costs one extra line of advice, while a miss could cost far more.

use std::sync::OnceLock;

use crate::text;

/// A kind of emergency the bot recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RedFlag {
    HeartAttack,
    Stroke,
    Anaphylaxis,
    Breathing,
    SevereBleeding,
    Poisoning,
    SelfHarm,
    BabyFever,
}

/// Emergency advice for one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emergency {
    pub flags: Vec<RedFlag>,
    /// Plain text, one sentence per flag, to show before any article.
    pub advice: String,
}

/// Phrase rules: a flag fires when every phrase of one of its `all_of` sets is present and no
/// `unless` phrase is.
struct Rule {
    flag: RedFlag,
    any: &'static [&'static [&'static str]],
    unless: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        flag: RedFlag::SelfHarm,
        any: &[
            &["suicide"],
            &["suicidal"],
            &["kill myself"],
            &["end my life"],
            &["take my own life"],
            &["want to die"],
            &["self harm"],
            &["harm myself"],
            &["hurt myself"],
            &["cutting myself"],
            &["don't want to live"],
            &["no reason to live"],
            &["better off dead"],
            &["end it all"],
        ],
        unless: &[],
    },
    Rule {
        flag: RedFlag::HeartAttack,
        any: &[
            &["heart attack"],
            &["cardiac arrest"],
            &["chest pain"],
            &["pain in my chest"],
            &["pain in chest"],
            &["chest tightness"],
            &["tight chest"],
            &["crushing chest"],
            &["chest pressure"],
            &["pressure in my chest"],
        ],
        unless: &[],
    },
    Rule {
        flag: RedFlag::Stroke,
        any: &[
            &["stroke"],
            &["face drooping"],
            &["drooping face"],
            &["face droop"],
            &["facial droop"],
            &["slurred speech"],
            &["slurring"],
            &["sudden numbness"],
            &["one side of my face"],
            &["one side of his face"],
            &["one side of her face"],
            &["can't move my arm"],
        ],
        unless: &[
            "heat stroke",
            "heatstroke",
            "sunstroke",
            "sun stroke",
            "swimming stroke",
        ],
    },
    Rule {
        flag: RedFlag::Anaphylaxis,
        any: &[
            &["anaphylaxis"],
            &["anaphylactic"],
            &["throat closing"],
            &["throat is closing"],
            &["throat swelling"],
            &["swollen throat"],
            &["tongue swelling"],
            &["swollen tongue"],
            &["allergic", "breathing"],
            &["allergic", "breathe"],
            &["allergic", "swollen lips"],
            &["epipen"],
        ],
        unless: &[],
    },
    Rule {
        flag: RedFlag::Breathing,
        any: &[
            &["not breathing"],
            &["stopped breathing"],
            &["can't breathe"],
            &["cannot breathe"],
            &["can not breathe"],
            &["struggling to breathe"],
            &["gasping for air"],
            &["choking"],
            &["turning blue"],
            &["blue lips"],
            &["unconscious"],
            &["unresponsive"],
            &["won't wake up"],
        ],
        unless: &[],
    },
    Rule {
        flag: RedFlag::SevereBleeding,
        any: &[
            &["won't stop bleeding"],
            &["wont stop bleeding"],
            &["bleeding won't stop"],
            &["bleeding wont stop"],
            &["bleeding will not stop"],
            &["bleeding doesn't stop"],
            &["can't stop the bleeding"],
            &["cannot stop the bleeding"],
            &["bleeding heavily"],
            &["heavy bleeding"],
            &["bleeding a lot"],
            &["lots of blood"],
            &["losing a lot of blood"],
            &["spurting"],
            &["severe bleeding"],
            &["vomiting blood"],
            &["throwing up blood"],
            &["coughing up blood"],
        ],
        unless: &["period", "periods", "menstrual", "menstruation"],
    },
    Rule {
        flag: RedFlag::Poisoning,
        any: &[
            &["overdose"],
            &["overdosed"],
            &["poisoned"],
            &["swallowed poison"],
            &["drank bleach"],
            &["swallowed bleach"],
            &["too many pills"],
            &["too many tablets"],
            &["swallowed", "pills"],
            &["swallowed", "tablets"],
            &["swallowed", "medicine"],
            &["button battery"],
            &["swallowed a battery"],
            &["carbon monoxide"],
            &["rat poison"],
            &["swallowed", "detergent"],
        ],
        unless: &["food poisoning"],
    },
    Rule {
        flag: RedFlag::BabyFever,
        any: &[
            &["baby", "fever"],
            &["baby", "temperature"],
            &["newborn", "fever"],
            &["newborn", "temperature"],
            &["infant", "fever"],
            &["infant", "temperature"],
            &["month old", "fever"],
            &["month old", "temperature"],
            &["weeks old", "fever"],
            &["weeks old", "temperature"],
            &["baby", "feverish"],
        ],
        unless: &[],
    },
];

/// The numbers emergency advice points to.
#[derive(Debug, Clone)]
pub struct Safety {
    emergency_number: String,
    crisis_line: String,
}

impl Safety {
    /// Creates a checker whose advice names these numbers.
    pub fn new(emergency_number: impl Into<String>, crisis_line: impl Into<String>) -> Self {
        Self {
            emergency_number: emergency_number.into(),
            crisis_line: crisis_line.into(),
        }
    }

    /// Finds every red flag in `question`, most urgent first.
    pub fn flags(question: &str) -> Vec<RedFlag> {
        let padded = normalise(question);
        compiled()
            .iter()
            .filter(|(rule, any, unless)| {
                let _ = rule;
                any.iter()
                    .any(|set| set.iter().all(|p| padded.contains(p.as_str())))
                    && !unless.iter().any(|p| padded.contains(p.as_str()))
            })
            .map(|(rule, _, _)| rule.flag)
            .collect()
    }

    /// Emergency advice for `question`, or `None` when nothing suggests an emergency.
    pub fn check(&self, question: &str) -> Option<Emergency> {
        let flags = Self::flags(question);
        if flags.is_empty() {
            return None;
        }
        let advice = flags
            .iter()
            .map(|f| self.advice(*f))
            .collect::<Vec<_>>()
            .join(" ");
        Some(Emergency { flags, advice })
    }

    fn advice(&self, flag: RedFlag) -> String {
        let call = &self.emergency_number;
        match flag {
            RedFlag::SelfHarm => format!(
                "If you are thinking about suicide or hurting yourself, please reach out now: contact {} \
                 or, if you might act on these thoughts, call {call}. You do not have to face this alone.",
                self.crisis_line
            ),
            RedFlag::HeartAttack => format!(
                "Chest pain that feels heavy, tight or crushing, spreads to the arm, jaw, neck or back, or \
                 comes with sweating, sickness or breathlessness can be a heart attack: call {call} now."
            ),
            RedFlag::Stroke => format!(
                "A drooping face, arm weakness or slurred speech can be a stroke: call {call} now and note \
                 the time the symptoms started."
            ),
            RedFlag::Anaphylaxis => format!(
                "Swelling of the throat, tongue or lips or trouble breathing after an allergy trigger can be \
                 anaphylaxis: use an adrenaline auto-injector if one is prescribed and call {call} now."
            ),
            RedFlag::Breathing => format!(
                "If someone is not breathing, is choking and cannot clear it, is turning blue or cannot be \
                 woken, call {call} now and follow the call handler's instructions."
            ),
            RedFlag::SevereBleeding => format!(
                "For bleeding that is heavy or will not stop, press firmly on the wound with a clean cloth \
                 and call {call} now."
            ),
            RedFlag::Poisoning => format!(
                "If someone may have swallowed poison, a harmful chemical or too much medicine, call {call} \
                 or your local poison centre now. Do not make them vomit."
            ),
            RedFlag::BabyFever => format!(
                "A baby under 3 months with a temperature of 38°C (100.4°F) or higher, or any baby with a \
                 fever who is floppy, hard to wake, breathing fast or has a rash that does not fade, needs \
                 urgent medical help: call {call} or a doctor now."
            ),
        }
    }
}

type CompiledRule = (&'static Rule, Vec<Vec<String>>, Vec<String>);

fn compiled() -> &'static [CompiledRule] {
    static COMPILED: OnceLock<Vec<CompiledRule>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        RULES
            .iter()
            .map(|rule| {
                let any = rule
                    .any
                    .iter()
                    .map(|set| set.iter().map(|p| normalise(p)).collect())
                    .collect();
                let unless = rule.unless.iter().map(|p| normalise(p)).collect();
                (rule, any, unless)
            })
            .collect()
    })
}

/// Stems of every word (stop words kept), space-joined and padded so that `contains` only
/// matches whole words.
fn normalise(text: &str) -> String {
    let stems: Vec<String> = text::words(&text.replace(['’', '‘'], "'"))
        .iter()
        .map(|w| text::stem(w))
        .collect();
    format!(" {} ", stems.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(q: &str) -> Vec<RedFlag> {
        Safety::flags(q)
    }

    #[test]
    fn every_required_emergency_is_flagged() {
        let cases = [
            (
                "I think my dad is having a heart attack",
                RedFlag::HeartAttack,
            ),
            (
                "crushing chest pain going down my left arm",
                RedFlag::HeartAttack,
            ),
            (
                "her face is drooping and her speech is slurred",
                RedFlag::Stroke,
            ),
            (
                "my throat is closing after eating peanuts",
                RedFlag::Anaphylaxis,
            ),
            ("my son is choking on a grape", RedFlag::Breathing),
            ("he's not breathing", RedFlag::Breathing),
            ("I CAN'T BREATHE!!", RedFlag::Breathing),
            ("the cut won't stop bleeding", RedFlag::SevereBleeding),
            ("my toddler swallowed some of my pills", RedFlag::Poisoning),
            ("I want to kill myself", RedFlag::SelfHarm),
            ("I've been having suicidal thoughts", RedFlag::SelfHarm),
            ("my 6 week old baby has a fever of 38.5", RedFlag::BabyFever),
        ];
        for (q, want) in cases {
            assert!(flags(q).contains(&want), "{q:?} gave {:?}", flags(q));
        }
    }

    #[test]
    fn everyday_questions_are_not_flagged() {
        for q in [
            "how long should bleeding last after tooth extraction",
            "what helps with heat stroke",
            "is food poisoning contagious",
            "heavy bleeding during my period",
            "my 5 year old has a fever",
            "how do I stop snoring",
        ] {
            assert!(flags(q).is_empty(), "{q:?} gave {:?}", flags(q));
        }
    }

    #[test]
    fn self_harm_advice_names_the_crisis_line() {
        let s = Safety::new("112", "Samaritans 116 123");
        let e = s.check("i want to end my life").unwrap();
        assert!(
            e.advice.contains("Samaritans 116 123") && e.advice.contains("112"),
            "{}",
            e.advice
        );
    }

    #[test]
    fn advice_uses_the_configured_number() {
        let s = Safety::new("000", "Lifeline 13 11 14");
        assert!(
            s.check("chest pain and sweating")
                .unwrap()
                .advice
                .contains("call 000 now")
        );
    }
}
