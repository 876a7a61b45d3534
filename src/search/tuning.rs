//! The knobs of the ranking function, with the defaults the bot uses and the
//! `title=3,tags=2,...` syntax that `ask --tuning` and `eval --tuning` accept.

/// Knobs of the ranking function. The defaults are what the bot uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    pub title_weight: f32,
    pub tags_weight: f32,
    pub body_weight: f32,
    /// Weight of the phrasings field (questions the article answers).
    pub questions_weight: f32,
    /// Share of the BM25 score that does not depend on coverage (1.0 disables re-ranking).
    pub coverage_floor: f32,
    /// How sharply coverage re-ranks: the score is scaled by `coverage ^ coverage_power`.
    pub coverage_power: f32,
    /// Weight of a word no article contains, as a share of the largest idf.
    pub unknown_scale: f32,
    /// Boost of a title that names the question's type ("why" -> causes); 0 disables it.
    pub qtype_weight: f32,
    /// Boost of neighbouring question words found close together; 0 disables it.
    pub proximity_weight: f32,
    /// Least idf (about `ln(1 / share of articles)`) of both words of a proximity pair:
    /// common words land near each other by chance, and their long posting lists make
    /// phrase matching the slowest part of a search on a large library.
    pub proximity_min_idf: f32,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            title_weight: 1.5,
            tags_weight: 1.5,
            body_weight: 1.0,
            questions_weight: 1.0,
            coverage_floor: 0.3,
            coverage_power: 2.0,
            unknown_scale: 1.0,
            qtype_weight: 1.0,
            proximity_weight: 0.5,
            proximity_min_idf: 2.3,
        }
    }
}

impl std::str::FromStr for Tuning {
    type Err = String;

    /// Parses `title=3,tags=2,body=1,floor=0.3,power=1`; unnamed knobs keep their defaults.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut t = Self::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not key=value"))?;
            let value: f32 = value
                .trim()
                .parse()
                .map_err(|_| format!("{value:?} is not a number"))?;
            let slot = match key.trim() {
                "title" => &mut t.title_weight,
                "tags" => &mut t.tags_weight,
                "body" => &mut t.body_weight,
                "questions" => &mut t.questions_weight,
                "floor" => &mut t.coverage_floor,
                "power" => &mut t.coverage_power,
                "unknown" => &mut t.unknown_scale,
                "qtype" => &mut t.qtype_weight,
                "proximity" => &mut t.proximity_weight,
                "proxidf" => &mut t.proximity_min_idf,
                other => return Err(format!("unknown tuning knob {other:?}")),
            };
            *slot = value;
        }
        Ok(t)
    }
}
