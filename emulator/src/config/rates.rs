//! The four fault probabilities a fault rule carries (the flat `rate_*` fields of the schema).

use crate::error::Error;

/// Probabilities (each 0..=1, together at most 1) of the four injected faults.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Rates {
    /// `rate_drop`: close the connection without a response.
    pub drop: f64,
    /// `rate_429`: 429 Too Many Requests.
    pub too_many_requests: f64,
    /// `rate_500`: 500 Internal Server Error.
    pub internal_error: f64,
    /// `rate_503`: 503 Service Unavailable.
    pub unavailable: f64,
}

impl Rates {
    /// The rates from the schema's fields.
    pub fn new(rate_429: f64, rate_500: f64, rate_503: f64, rate_drop: f64) -> Rates {
        Rates {
            drop: rate_drop,
            too_many_requests: rate_429,
            internal_error: rate_500,
            unavailable: rate_503,
        }
    }

    /// Whether any fault can be drawn.
    pub fn any(&self) -> bool {
        self.named().iter().any(|(_, rate)| *rate > 0.0)
    }

    /// Each rate with its field name, in the schema's order.
    fn named(&self) -> [(&'static str, f64); 4] {
        [
            ("rate_429", self.too_many_requests),
            ("rate_500", self.internal_error),
            ("rate_503", self.unavailable),
            ("rate_drop", self.drop),
        ]
    }

    /// Checks that each rate is a probability and that they add up to at most 1; `field` is the
    /// path of the section that holds them.
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        let rates = self.named();
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                return Err(Error::invalid(
                    format!("{field}.{name}"),
                    format!("{rate} is not a probability between 0 and 1"),
                ));
            }
        }
        let total: f64 = rates.iter().map(|(_, rate)| rate).sum();
        if total > 1.0 + 1e-9 {
            return Err(Error::invalid(
                field,
                format!("rate_429 + rate_500 + rate_503 + rate_drop is {total}, more than 1"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Rates;

    #[test]
    fn rates_are_probabilities_that_add_up_to_at_most_one() {
        assert!(!Rates::default().any());
        assert!(Rates::new(0.5, 0.0, 0.0, 0.5).validate("faults").is_ok());
        let error = Rates::new(0.0, 0.0, 1.5, 0.0).validate("faults").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid config: faults.rate_503: 1.5 is not a probability between 0 and 1"
        );
        let error = Rates::new(0.6, 0.6, 0.0, 0.0).validate("r").unwrap_err();
        assert!(
            error.to_string().starts_with("invalid config: r: rate_429 + "),
            "{error}"
        );
    }
}
