//! Why a command failed, how that is reported on stderr, and the exit
//! status each kind of failure gets.

use std::fmt;
use std::process::ExitCode;

use channel::rpc::Code;
use channel::{Error, ErrorKind};

/// Writes to stderr; a closed stderr is no reason to fail (or to panic,
/// as `eprintln!` would).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use note;

/// The exit statuses, as documented in `cloudchannel --help`.
pub(crate) mod exit {
    /// Success.
    pub(crate) const OK: u8 = 0;
    /// Any failure not listed below.
    pub(crate) const OTHER: u8 = 1;
    /// Bad arguments: the request never left the machine.
    pub(crate) const USAGE: u8 = 2;
    /// The service refused the request as it stands.
    pub(crate) const REFUSED: u8 = 3;
    /// A resource named in the request does not exist.
    pub(crate) const NOT_FOUND: u8 = 4;
    /// Not allowed, or not authenticated.
    pub(crate) const DENIED: u8 = 5;
    /// The service could not be reached, or did not answer in time.
    pub(crate) const UNREACHABLE: u8 = 6;
}

/// The exit-status section of `cloudchannel --help`.
pub(crate) const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  success
  1  any other failure: INTERNAL, UNKNOWN, UNIMPLEMENTED, CANCELLED, DATA_LOSS,
     a response that cannot be read, output that cannot be written
  2  bad arguments: unknown command or flag, a missing or malformed value,
     a request that does not fit the method (nothing was sent)
  3  the service refused the request: INVALID_ARGUMENT, FAILED_PRECONDITION,
     OUT_OF_RANGE, ALREADY_EXISTS, ABORTED
  4  NOT_FOUND
  5  PERMISSION_DENIED, UNAUTHENTICATED, or no usable credentials
  6  the service could not be reached or did not answer in time: UNAVAILABLE,
     DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, connection and TLS failures";

/// A failed command.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad arguments, found before anything was sent.
    Usage(String),
    /// The call failed (or could not be set up): an API error.
    Api(Error),
    /// No credentials could be loaded.
    Credentials(String),
    /// Anything else: writing the output, starting the emulator.
    Other(String),
    /// A server outside the API (an emulator's control surface) could not
    /// be reached.
    Unreachable(String),
    /// A server outside the API refused the request.
    Refused(String),
    /// Nobody reads stdout any more (a closed pipe): stop quietly.
    Quiet,
}

impl Failure {
    /// The exit status of this failure.
    pub(crate) fn exit_status(&self) -> u8 {
        match self {
            Failure::Usage(_) => exit::USAGE,
            Failure::Credentials(_) => exit::DENIED,
            Failure::Other(_) => exit::OTHER,
            Failure::Unreachable(_) => exit::UNREACHABLE,
            Failure::Refused(_) => exit::REFUSED,
            Failure::Quiet => exit::OK,
            Failure::Api(error) => api_exit_status(error),
        }
    }

    /// Prints the failure on stderr and returns its exit status.
    pub(crate) fn report(self) -> ExitCode {
        let status = self.exit_status();
        if !matches!(self, Failure::Quiet) {
            note!("{}\n", printable(&self.to_string()));
        }
        ExitCode::from(status)
    }
}

/// `text` as it may go to a terminal: the words of an error come partly
/// from the server (its message, a field's description), so control
/// characters other than line breaks, and the bidirectional overrides, are
/// shown as `\u001b` instead of moving the cursor or clearing the screen.
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The exit status of an API error, by kind and then by code.
pub(crate) fn api_exit_status(error: &Error) -> u8 {
    match error.kind() {
        ErrorKind::InvalidRequest => exit::USAGE,
        ErrorKind::Authentication => exit::DENIED,
        ErrorKind::Transport | ErrorKind::Timeout => exit::UNREACHABLE,
        ErrorKind::Decode => exit::OTHER,
        _ => code_exit_status(error.code()),
    }
}

/// The exit status of a status code returned by the service.
pub(crate) fn code_exit_status(code: Code) -> u8 {
    match code {
        Code::Ok => exit::OK,
        Code::InvalidArgument
        | Code::FailedPrecondition
        | Code::OutOfRange
        | Code::AlreadyExists
        | Code::Aborted => exit::REFUSED,
        Code::NotFound => exit::NOT_FOUND,
        Code::PermissionDenied | Code::Unauthenticated => exit::DENIED,
        Code::Unavailable | Code::DeadlineExceeded | Code::ResourceExhausted => exit::UNREACHABLE,
        Code::Unknown | Code::Internal | Code::Unimplemented | Code::Cancelled | Code::DataLoss => {
            exit::OTHER
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message)
            | Failure::Credentials(message)
            | Failure::Other(message)
            | Failure::Unreachable(message)
            | Failure::Refused(message) => {
                write!(f, "error: {message}")
            }
            Failure::Quiet => Ok(()),
            Failure::Api(error) => {
                write!(f, "error: {error}")?;
                if error.kind() == ErrorKind::Rpc {
                    for violation in error.field_violations() {
                        write!(f, "\n  {}: {}", violation.field, violation.description)?;
                    }
                }
                // Wrappers often repeat their source's words as their own:
                // a line the same as the one before adds nothing.
                let mut source = std::error::Error::source(error);
                let mut previous = String::new();
                while let Some(cause) = source {
                    let text = cause.to_string();
                    if text != previous {
                        write!(f, "\n  caused by: {text}")?;
                    }
                    previous = text;
                    source = cause.source();
                }
                Ok(())
            }
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Api(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::Quiet
        } else {
            Failure::Other(format!("cannot write the output: {error}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses_by_kind_and_code() {
        let rpc = |code| Failure::Api(Error::rpc(code, "m")).exit_status();
        assert_eq!(rpc(Code::InvalidArgument), 3);
        assert_eq!(rpc(Code::FailedPrecondition), 3);
        assert_eq!(rpc(Code::NotFound), 4);
        assert_eq!(rpc(Code::PermissionDenied), 5);
        assert_eq!(rpc(Code::Unauthenticated), 5);
        assert_eq!(rpc(Code::Unavailable), 6);
        assert_eq!(rpc(Code::Internal), 1);
        let io = std::io::Error::other("refused");
        assert_eq!(Failure::Api(Error::transport("down", io)).exit_status(), 6);
        assert_eq!(Failure::Api(Error::timeout("slow")).exit_status(), 6);
        assert_eq!(
            Failure::Api(Error::invalid_request("endpoint", "bad")).exit_status(),
            2
        );
        assert_eq!(Failure::Usage("x".into()).exit_status(), 2);
        assert_eq!(Failure::Credentials("x".into()).exit_status(), 5);
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(Failure::from(pipe).exit_status(), 0);
    }

    /// An error that says `text` and has `source` as its cause.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn a_cause_that_repeats_the_one_before_is_printed_once() {
        let chain = Layer(
            "transport error",
            Some(Box::new(Layer(
                "tcp connect error",
                Some(Box::new(Layer(
                    "tcp connect error",
                    Some(Box::new(Layer("Connection refused", None))),
                ))),
            ))),
        );
        let error = Error::transport("could not connect", chain);
        assert_eq!(
            Failure::Api(error).to_string(),
            "error: UNAVAILABLE: could not connect\n  caused by: transport error\n  \
             caused by: tcp connect error\n  caused by: Connection refused"
        );
    }

    #[test]
    fn errors_reach_the_terminal_with_control_characters_escaped() {
        assert_eq!(
            printable("nope \u{1b}[2J\u{7}\r\u{202e}\nsecond line\ttab"),
            "nope \\u001b[2J\\u0007\\u000d\\u202e\nsecond line\\u0009tab"
        );
        assert!(matches!(
            printable("plain"),
            std::borrow::Cow::Borrowed("plain")
        ));
    }

    #[test]
    fn api_errors_print_code_message_and_reason() {
        let error = Error::rpc(Code::FailedPrecondition, "Entitlement is not suspended.")
            .with_reason("NOT_SUSPENDED", "cloudchannel.googleapis.com");
        assert_eq!(
            Failure::Api(error).to_string(),
            "error: FAILED_PRECONDITION: Entitlement is not suspended. (reason: NOT_SUSPENDED)"
        );
    }
}
