//! Reports (a deprecated part of the API, kept working) and Pub/Sub
//! subscribers of an account's events.

use channel_core::Error;
use channel_types::longrunning::Operation;
use channel_types::model::column::DataType;
use channel_types::model::operation_metadata::OperationType;
use channel_types::model::report_status::State as ReportState;
use channel_types::model::{
    Column, Entitlement, FetchReportResultsRequest, FetchReportResultsResponse, ListReportsRequest,
    ListReportsResponse, ListSubscribersRequest, ListSubscribersResponse,
    RegisterSubscriberRequest, RegisterSubscriberResponse, Report, ReportJob,
    ReportResultsMetadata, ReportStatus, ReportValue, Row, RunReportJobRequest,
    RunReportJobResponse, UnregisterSubscriberRequest, UnregisterSubscriberResponse, report_value,
};
use channel_types::names::{AccountNameRef, ReportJobNameRef, ReportNameRef};
use channel_types::wkt::Timestamp;

use super::errors::{invalid, not_found, require};
use super::filter::{ALL_OPS, Filter, Key, ValueKind};
use super::paging::{PageLimits, page_size, page_vec};
use super::validate;
use super::{Caller, Engine};

/// The one report the emulator offers: every entitlement of the account.
const REPORT_ID: &str = "entitlements";

fn report(account: &str) -> Report {
    let column = |id: &str, name: &str, data_type: DataType| Column {
        column_id: id.into(),
        display_name: name.into(),
        data_type: data_type as i32,
    };
    Report {
        name: format!("accounts/{account}/reports/{REPORT_ID}"),
        display_name: "Entitlements".into(),
        columns: vec![
            column("entitlement", "Entitlement", DataType::String),
            column("offer", "Offer", DataType::String),
            column("num_units", "Seats", DataType::Int),
        ],
        description: "Every entitlement of the account's customers when the job ran.".into(),
    }
}

/// The report's columns as filter fields; the reference lets a report job
/// filter on its column ids with every comparator, AND, OR and NOT.
const REPORT_FILTER: &[Key] = &[
    Key {
        name: "entitlement",
        ops: ALL_OPS,
        kind: ValueKind::Text { prefix: true },
    },
    Key {
        name: "offer",
        ops: ALL_OPS,
        kind: ValueKind::Text { prefix: true },
    },
    Key {
        name: "num_units",
        ops: ALL_OPS,
        kind: ValueKind::Number,
    },
];

/// The entitlement's seats; none for a flexible or trial entitlement bought
/// without them (its cell is then empty, not a made-up zero).
fn seats(e: &Entitlement) -> Option<i64> {
    e.parameters
        .iter()
        .find(|p| p.name == "num_units")
        .and_then(|p| match p.value.as_ref()?.kind.as_ref()? {
            channel_types::model::value::Kind::Int64Value(n) => Some(*n),
            _ => None,
        })
}

fn report_field(e: &Entitlement, field: &str) -> String {
    match field {
        "entitlement" => e.name.clone(),
        "offer" => e.offer.clone(),
        "num_units" => seats(e).map(|n| n.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn string_value(s: &str) -> ReportValue {
    ReportValue {
        value: Some(report_value::Value::StringValue(s.to_string())),
    }
}

impl Engine {
    pub(super) fn list_reports(
        &self,
        caller: &Caller,
        request: ListReportsRequest,
    ) -> Result<ListReportsResponse, Error> {
        require(&[("parent", &request.parent)])?;
        let account =
            AccountNameRef::parse(&request.parent).map_err(|e| invalid("parent", e.to_string()))?;
        caller.check_account(account.account())?;
        // The reference: 20 reports when unspecified, at most 100.
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 20,
                max: 100,
            },
        )?;
        let keyed = vec![(REPORT_ID.to_string(), report(account.account()))];
        let (reports, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            "reports",
            &request.page_token,
            size,
        )?;
        Ok(ListReportsResponse {
            reports,
            next_page_token,
        })
    }

    pub(super) fn run_report_job(
        &self,
        caller: &Caller,
        request: RunReportJobRequest,
    ) -> Result<Operation, Error> {
        require(&[("name", &request.name)])?;
        let parsed =
            ReportNameRef::parse(&request.name).map_err(|e| invalid("name", e.to_string()))?;
        caller.check_account(parsed.account())?;
        if parsed.report() != REPORT_ID {
            return Err(not_found("report", &request.name));
        }
        let filter = Filter::new(&request.filter, REPORT_FILTER)?;
        let account = parsed.account().to_string();
        self.run_operation(
            caller,
            "RunReportJob",
            &request.name,
            "",
            OperationType::Unspecified,
            |state| {
                let prefix = format!("accounts/{account}/customers/");
                let rows: Vec<_> = state
                    .entitlements
                    .under(&prefix)
                    .map(|(_, e)| e)
                    .filter(|e| filter.matches(&|field| report_field(e, field)))
                    .collect();
                let job = format!("accounts/{account}/reportJobs/{}", state.new_id('J'));
                let row_count = rows.len() as i64;
                state.report_jobs.insert(job.clone(), rows);
                let now = Timestamp::now();
                Ok(RunReportJobResponse {
                    report_job: Some(ReportJob {
                        name: job,
                        report_status: Some(ReportStatus {
                            state: ReportState::Available as i32,
                            start_time: Some(now),
                            end_time: Some(now),
                        }),
                    }),
                    report_metadata: Some(ReportResultsMetadata {
                        report: Some(report(&account)),
                        row_count,
                        date_range: request.date_range.clone(),
                        preceding_date_range: None,
                    }),
                })
            },
        )
    }

    pub(super) fn fetch_report_results(
        &self,
        caller: &Caller,
        request: FetchReportResultsRequest,
    ) -> Result<FetchReportResultsResponse, Error> {
        require(&[("report_job", &request.report_job)])?;
        let parsed = ReportJobNameRef::parse(&request.report_job)
            .map_err(|e| invalid("report_job", e.to_string()))?;
        caller.check_account(parsed.account())?;
        let state = self.read();
        let entitlements = state
            .report_jobs
            .get(&request.report_job)
            .ok_or_else(|| not_found("report job", &request.report_job))?;
        let keyed: Vec<(String, Row)> = entitlements
            .iter()
            .map(|e| {
                let seats = seats(e);
                let row = Row {
                    values: vec![
                        string_value(&e.name),
                        string_value(&e.offer),
                        ReportValue {
                            value: seats.map(report_value::Value::IntValue),
                        },
                    ],
                    partition_key: String::new(),
                };
                (e.name.clone(), row)
            })
            .collect();
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 1000,
                max: 30_000,
            },
        )?;
        let (rows, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            &format!("rows:{}", request.report_job),
            &request.page_token,
            size,
        )?;
        Ok(FetchReportResultsResponse {
            report_metadata: Some(ReportResultsMetadata {
                report: Some(report(parsed.account())),
                row_count: keyed.len() as i64,
                date_range: None,
                preceding_date_range: None,
            }),
            rows,
            next_page_token,
        })
    }

    /// The account a subscriber call is about. The reference asks for
    /// `account` or `integrator`, one and not both; the emulator keeps no
    /// integrators, so a call naming one alone is about the caller's account.
    fn subscriber_account(
        &self,
        caller: &Caller,
        account: &str,
        integrator: Option<&str>,
    ) -> Result<String, Error> {
        let integrator = integrator.filter(|i| !i.is_empty());
        match (account.is_empty(), integrator) {
            (true, None) => {
                return Err(invalid(
                    "account",
                    "required unless integrator is set; expected accounts/{account}",
                ));
            }
            (false, Some(_)) => {
                return Err(invalid("integrator", "set account or integrator, not both"));
            }
            (true, Some(_)) => return Ok(caller.account.clone()),
            (false, None) => {}
        }
        let parsed =
            AccountNameRef::parse(account).map_err(|e| invalid("account", e.to_string()))?;
        caller.check_account(parsed.account())?;
        Ok(parsed.account().to_string())
    }

    fn topic(account: &str) -> String {
        format!("projects/cloudchannel-emulator/topics/{account}-channel-events")
    }

    pub(super) fn register_subscriber(
        &self,
        caller: &Caller,
        request: RegisterSubscriberRequest,
    ) -> Result<RegisterSubscriberResponse, Error> {
        require(&[("service_account", &request.service_account)])?;
        let account =
            self.subscriber_account(caller, &request.account, request.integrator.as_deref())?;
        if !validate::is_email(&request.service_account) {
            return Err(invalid(
                "service_account",
                format!(
                    "{:?} is not a service account email (expected e.g. name@project.iam.gserviceaccount.com)",
                    validate::shorten(&request.service_account)
                ),
            ));
        }
        self.write()
            .subscribers
            .entry(account.clone())
            .or_default()
            .insert(request.service_account);
        Ok(RegisterSubscriberResponse {
            topic: Self::topic(&account),
        })
    }

    pub(super) fn unregister_subscriber(
        &self,
        caller: &Caller,
        request: UnregisterSubscriberRequest,
    ) -> Result<UnregisterSubscriberResponse, Error> {
        require(&[("service_account", &request.service_account)])?;
        let account =
            self.subscriber_account(caller, &request.account, request.integrator.as_deref())?;
        let mut state = self.write();
        let removed = state
            .subscribers
            .get_mut(&account)
            .is_some_and(|s| s.remove(&request.service_account));
        if !removed {
            return Err(not_found("subscriber", &request.service_account));
        }
        Ok(UnregisterSubscriberResponse {
            topic: Self::topic(&account),
        })
    }

    pub(super) fn list_subscribers(
        &self,
        caller: &Caller,
        request: ListSubscribersRequest,
    ) -> Result<ListSubscribersResponse, Error> {
        let account =
            self.subscriber_account(caller, &request.account, request.integrator.as_deref())?;
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 100,
                max: 1000,
            },
        )?;
        let state = self.read();
        let keyed: Vec<(String, String)> = state
            .subscribers
            .get(&account)
            .map(|s| s.iter().map(|a| (a.clone(), a.clone())).collect())
            .unwrap_or_default();
        let (service_accounts, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            &format!("subs:{account}"),
            &request.page_token,
            size,
        )?;
        Ok(ListSubscribersResponse {
            topic: Self::topic(&account),
            service_accounts,
            next_page_token,
        })
    }
}
