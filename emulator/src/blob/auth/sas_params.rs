//! The fields of a SAS token, read from the request's query (learn.microsoft.com "Create a
//! service SAS", "Create an account SAS", "Create a user delegation SAS": the parameter names
//! `sv`, `sp`, `st`, `se`, `sr`, `si`, `sip`, `spr`, `ses`, `rscc`...`rsct`, `ss`, `srt`,
//! `skoid`, `sktid`, `skt`, `ske`, `sks`, `skv`, `saoid`, `suoid`, `scid`, `skdutid`,
//! `sduoid`, `srh`, `srq`, `sdd`, `sig`).

use super::SignedRequest;

/// The SAS fields of a query: each field is the query parameter of its name (decoded value;
/// `None` when absent).
#[derive(Default)]
pub(crate) struct SasParams<'a> {
    pub sv: Option<&'a str>,
    pub sp: Option<&'a str>,
    pub st: Option<&'a str>,
    pub se: Option<&'a str>,
    pub sr: Option<&'a str>,
    pub si: Option<&'a str>,
    pub sip: Option<&'a str>,
    pub spr: Option<&'a str>,
    pub ses: Option<&'a str>,
    pub rscc: Option<&'a str>,
    pub rscd: Option<&'a str>,
    pub rsce: Option<&'a str>,
    pub rscl: Option<&'a str>,
    pub rsct: Option<&'a str>,
    pub ss: Option<&'a str>,
    pub srt: Option<&'a str>,
    pub skoid: Option<&'a str>,
    pub sktid: Option<&'a str>,
    pub skt: Option<&'a str>,
    pub ske: Option<&'a str>,
    pub sks: Option<&'a str>,
    pub skv: Option<&'a str>,
    pub saoid: Option<&'a str>,
    pub suoid: Option<&'a str>,
    pub scid: Option<&'a str>,
    pub skdutid: Option<&'a str>,
    pub sduoid: Option<&'a str>,
    pub srh: Option<&'a str>,
    pub srq: Option<&'a str>,
    /// The presented signature.
    pub sig: Option<&'a str>,
}

impl std::fmt::Debug for SasParams<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SasParams")
            .field("sv", &self.sv)
            .field("sp", &self.sp)
            .field("sr", &self.sr)
            .field("ss", &self.ss)
            .field("srt", &self.srt)
            .field("st", &self.st)
            .field("se", &self.se)
            .field("sig", &crate::redact::optional(self.sig.map(str::to_owned).as_ref()))
            .finish_non_exhaustive()
    }
}

impl<'a> SasParams<'a> {
    /// The SAS fields of `req`'s query (the first value of each name).
    pub fn of(req: &SignedRequest<'a>) -> SasParams<'a> {
        let mut params = SasParams::default();
        for (name, value) in req.query {
            let slot = match name.as_str() {
                "sv" => &mut params.sv,
                "sp" => &mut params.sp,
                "st" => &mut params.st,
                "se" => &mut params.se,
                "sr" => &mut params.sr,
                "si" => &mut params.si,
                "sip" => &mut params.sip,
                "spr" => &mut params.spr,
                "ses" => &mut params.ses,
                "rscc" => &mut params.rscc,
                "rscd" => &mut params.rscd,
                "rsce" => &mut params.rsce,
                "rscl" => &mut params.rscl,
                "rsct" => &mut params.rsct,
                "ss" => &mut params.ss,
                "srt" => &mut params.srt,
                "skoid" => &mut params.skoid,
                "sktid" => &mut params.sktid,
                "skt" => &mut params.skt,
                "ske" => &mut params.ske,
                "sks" => &mut params.sks,
                "skv" => &mut params.skv,
                "saoid" => &mut params.saoid,
                "suoid" => &mut params.suoid,
                "scid" => &mut params.scid,
                "skdutid" => &mut params.skdutid,
                "sduoid" => &mut params.sduoid,
                "srh" => &mut params.srh,
                "srq" => &mut params.srq,
                "sig" => &mut params.sig,
                _ => continue,
            };
            slot.get_or_insert(value.as_str());
        }
        params
    }

    /// Whether the token is an account SAS (it names services and resource types).
    pub fn is_account(&self) -> bool {
        self.ss.is_some() || self.srt.is_some()
    }

    /// Whether the token is signed with a user delegation key (it carries a key field).
    pub fn is_user_delegation(&self) -> bool {
        [self.skoid, self.sktid, self.skt, self.ske, self.sks, self.skv]
            .iter()
            .any(Option::is_some)
    }
}
