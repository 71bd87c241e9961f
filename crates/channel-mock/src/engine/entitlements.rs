//! Entitlements: buying offers, changing seats, plans and renewal, suspending,
//! activating, cancelling, transferring, and the change history.

use channel_core::Error;
use channel_types::longrunning::Operation;
use channel_types::model::entitlement::{ProvisioningState, SuspensionReason};
use channel_types::model::entitlement_change::{
    ActivationReason, CancellationReason, ChangeReason, ChangeType, OperatorType,
};
use channel_types::model::operation_metadata::OperationType;
use channel_types::model::parameter_definition::ParameterType;
use channel_types::model::{
    ActivateEntitlementRequest, CancelEntitlementRequest, ChangeOfferRequest,
    ChangeParametersRequest, ChangeRenewalSettingsRequest, CommitmentSettings,
    CreateEntitlementRequest, Entitlement, EntitlementChange, GetEntitlementRequest,
    ListEntitlementChangesRequest, ListEntitlementChangesResponse, ListEntitlementsRequest,
    ListEntitlementsResponse, LookupOfferRequest, Offer, Parameter, PaymentPlan, Period,
    PeriodType, ProvisionedService, RenewalSettings, ResourceType, StartPaidServiceRequest,
    SuspendEntitlementRequest, TransferEntitlementsRequest, TransferEntitlementsResponse,
    TransferEntitlementsToGoogleRequest, TrialSettings, value,
};
use channel_types::names::{CustomerNameRef, EntitlementNameRef, OfferNameRef};
use channel_types::rpc::Code;
use channel_types::wkt::{Empty, Timestamp};

use super::control::{
    ASSIGNED_UNITS, MAX_UNITS, NUM_UNITS, PendingChange, param_int, set_param_int, unit_limits,
};
use super::customers::{check_customer_name, customer};
use super::errors::{invalid, not_found, reason, require};
use super::filter::{EQUALITY, Filter, Key, ValueKind};
use super::paging::{PageLimits, page, page_from, page_size};
use super::state::State;
use super::validate::{self, shorten};
use super::{Caller, Engine, world};
use crate::catalog::{CatalogOffer, CatalogSku};

/// The fields ListEntitlementChanges filters on. The reference documents
/// the `filter` field without naming its fields; these are the change's own
/// fields a caller would pick changes by.
const CHANGE_FILTER: &[Key] = &[
    Key {
        name: "change_type",
        ops: EQUALITY,
        kind: ValueKind::Enum(&[
            "CREATED",
            "PRICE_PLAN_SWITCHED",
            "COMMITMENT_CHANGED",
            "RENEWED",
            "SUSPENDED",
            "ACTIVATED",
            "CANCELLED",
            "SKU_CHANGED",
            "RENEWAL_SETTING_CHANGED",
            "PAID_SUBSCRIPTION_STARTED",
            "LICENSE_CAP_CHANGED",
            "SUSPENSION_DETAILS_CHANGED",
            "TRIAL_END_DATE_EXTENDED",
            "TRIAL_STARTED",
        ]),
    },
    Key {
        name: "entitlement",
        ops: EQUALITY,
        kind: ValueKind::Text { prefix: false },
    },
    Key {
        name: "offer",
        ops: EQUALITY,
        kind: ValueKind::Text { prefix: false },
    },
    Key {
        name: "operator_type",
        ops: EQUALITY,
        kind: ValueKind::Enum(&[
            "CUSTOMER_SERVICE_REPRESENTATIVE",
            "SYSTEM",
            "CUSTOMER",
            "RESELLER",
        ]),
    },
];

fn change_field(change: &EntitlementChange, field: &str) -> String {
    match field {
        "change_type" => change.change_type().as_str_name().to_string(),
        "entitlement" => change.entitlement.clone(),
        "offer" => change.offer.clone(),
        "operator_type" => change.operator_type().as_str_name().to_string(),
        _ => String::new(),
    }
}

const YEAR_SECONDS: i64 = 365 * 86_400;
const TRIAL_SECONDS: i64 = 14 * 86_400;

fn check_entitlement_name(caller: &Caller, field: &str, name: &str) -> Result<(), Error> {
    require(&[(field, name)])?;
    let parsed = EntitlementNameRef::parse(name).map_err(|e| invalid(field, e.to_string()))?;
    caller.check_account(parsed.account())
}

fn stored(state: &State, name: &str) -> Result<Entitlement, Error> {
    state
        .entitlements
        .get(name)
        .ok_or_else(|| not_found("entitlement", name))
}

fn num_units(parameters: &[Parameter]) -> Option<i64> {
    param_int(parameters, NUM_UNITS)
}

/// The parameters of a new entitlement: those the reseller gave, and, for
/// an offer sold by the seat, the output-only `assigned_units` the
/// reference says an answer may include, at 0 until licenses are assigned.
fn new_parameters(offer: &CatalogOffer, given: &[Parameter]) -> Vec<Parameter> {
    let mut parameters: Vec<Parameter> = given
        .iter()
        .map(|p| Parameter {
            editable: true,
            ..p.clone()
        })
        .collect();
    let by_the_seat = offer
        .price_by_resources
        .iter()
        .any(|p| p.resource_type == ResourceType::Seat as i32);
    if by_the_seat {
        set_param_int(&mut parameters, ASSIGNED_UNITS, 0, false);
    }
    parameters
}

/// The parameters a reseller sets: all but the output-only `assigned_units`.
fn editable_parameters(parameters: &[Parameter]) -> Vec<Parameter> {
    parameters
        .iter()
        .filter(|p| p.name != ASSIGNED_UNITS)
        .cloned()
        .collect()
}

/// Checks parameters against the offer's definitions: known names, right
/// types, required ones present, numbers within range.
fn check_parameters(
    offer: &CatalogOffer,
    parameters: &[Parameter],
    field: &str,
) -> Result<(), Error> {
    check_parameters_once(parameters, field)?;
    for p in parameters {
        let Some(definition) = offer
            .parameter_definitions
            .iter()
            .find(|d| d.name == p.name)
        else {
            return Err(invalid(
                field,
                format!("offer {} has no parameter {:?}", offer.id, shorten(&p.name)),
            ));
        };
        let kind = p.value.as_ref().and_then(|v| v.kind.as_ref());
        let type_ok = matches!(
            (definition.parameter_type(), kind),
            (ParameterType::Int64, Some(value::Kind::Int64Value(_)))
                | (ParameterType::String, Some(value::Kind::StringValue(_)))
                | (ParameterType::Double, Some(value::Kind::DoubleValue(_)))
                | (ParameterType::Boolean, Some(value::Kind::BoolValue(_)))
        );
        if !type_ok {
            return Err(invalid(
                field,
                format!(
                    "parameter {:?} must be of type {:?}",
                    p.name,
                    definition.parameter_type()
                ),
            ));
        }
        if let Some(value::Kind::Int64Value(n)) = kind {
            let bound = |v: &Option<channel_types::model::Value>| match v
                .as_ref()
                .and_then(|v| v.kind.as_ref())
            {
                Some(value::Kind::Int64Value(b)) => Some(*b),
                _ => None,
            };
            if let Some(min) = bound(&definition.min_value)
                && *n < min
            {
                return Err(invalid(
                    field,
                    format!("{} = {n} is below the minimum {min}", p.name),
                ));
            }
            if let Some(max) = bound(&definition.max_value)
                && *n > max
            {
                return Err(invalid(
                    field,
                    format!("{} = {n} is above the maximum {max}", p.name),
                ));
            }
        }
    }
    // On a flexible or trial offer `max_units` caps the licenses: seats
    // bought above the cap would contradict it.
    if let (Some(seats), Some(cap)) = (
        param_int(parameters, NUM_UNITS),
        param_int(parameters, MAX_UNITS),
    ) && seats > cap
    {
        return Err(invalid(
            field,
            format!("num_units = {seats} is above max_units = {cap}; the cap bounds the seats"),
        ));
    }
    for definition in &offer.parameter_definitions {
        if !definition.optional && !parameters.iter().any(|p| p.name == definition.name) {
            return Err(invalid(
                field,
                format!(
                    "parameter {:?} is required by offer {}",
                    definition.name, offer.id
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a parameter given twice, before the request goes any further.
fn check_parameters_once(parameters: &[Parameter], field: &str) -> Result<(), Error> {
    for (i, p) in parameters.iter().enumerate() {
        if parameters[..i].iter().any(|q| q.name == p.name) {
            return Err(invalid(
                &format!("{field}[{i}]"),
                format!(
                    "parameter {:?} is given more than once; give each parameter once",
                    shorten(&p.name)
                ),
            ));
        }
    }
    Ok(())
}

impl Engine {
    /// The catalog offer an offer name points at, for the caller's account.
    fn catalog_offer(
        &self,
        caller: &Caller,
        field: &str,
        name: &str,
    ) -> Result<(&CatalogOffer, &CatalogSku), Error> {
        require(&[(field, name)])?;
        let parsed = OfferNameRef::parse(name).map_err(|e| invalid(field, e.to_string()))?;
        caller.check_account(parsed.account())?;
        let catalog = &self.inner.catalog;
        let offer = catalog
            .offer(parsed.offer())
            .ok_or_else(|| not_found("offer", name))?;
        let sku = catalog
            .sku(offer.sku)
            .ok_or_else(|| not_found("SKU", offer.sku))?;
        Ok((offer, sku))
    }

    pub(super) fn offer_of(
        &self,
        entitlement: &Entitlement,
    ) -> Option<(&CatalogOffer, &CatalogSku)> {
        let id = OfferNameRef::parse(&entitlement.offer)
            .ok()?
            .offer()
            .to_string();
        let offer = self.inner.catalog.offer(&id)?;
        Some((offer, self.inner.catalog.sku(offer.sku)?))
    }

    pub(super) fn record_change(
        &self,
        state: &mut State,
        caller: &Caller,
        e: &Entitlement,
        change_type: ChangeType,
        change_reason: Option<ChangeReason>,
    ) {
        let now = self.now();
        self.record_change_by(
            state,
            OperatorType::Reseller,
            &caller.account_name(),
            e,
            change_type,
            change_reason,
            now,
        );
    }

    /// Records a change made by `operator` (empty for the service itself)
    /// at `at`, and publishes its event.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn record_change_by(
        &self,
        state: &mut State,
        operator_type: OperatorType,
        operator: &str,
        e: &Entitlement,
        change_type: ChangeType,
        change_reason: Option<ChangeReason>,
        at: Timestamp,
    ) {
        // Zero-padded, so the changes of an entitlement list in the order made.
        let key = format!("{}/changes/{:020}", e.name, state.next_sequence());
        state.changes.insert(
            key,
            EntitlementChange {
                entitlement: e.name.clone(),
                offer: e.offer.clone(),
                provisioned_service: e.provisioned_service.clone(),
                change_type: change_type as i32,
                create_time: Some(at),
                operator_type: operator_type as i32,
                parameters: e.parameters.clone(),
                operator: operator.to_string(),
                change_reason,
            },
        );
        self.publish_change(state, e, change_type);
    }

    pub(super) fn list_entitlements(
        &self,
        caller: &Caller,
        request: ListEntitlementsRequest,
    ) -> Result<ListEntitlementsResponse, Error> {
        check_customer_name(caller, "parent", &request.parent)?;
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 50,
                max: 100,
            },
        )?;
        let state = self.read();
        customer(&state, &request.parent)?;
        let prefix = format!("{}/entitlements/", request.parent);
        let scope = format!("entitlements:{}", request.parent);
        let (entitlements, next_page_token) = page_from(
            |start| state.entitlements.entries_from(start),
            &prefix,
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |_, packed| Some(packed.decode()),
        )?;
        Ok(ListEntitlementsResponse {
            entitlements,
            next_page_token,
        })
    }

    pub(super) fn get_entitlement(
        &self,
        caller: &Caller,
        request: GetEntitlementRequest,
    ) -> Result<Entitlement, Error> {
        check_entitlement_name(caller, "name", &request.name)?;
        stored(&self.read(), &request.name)
    }

    pub(super) fn lookup_offer(
        &self,
        caller: &Caller,
        request: LookupOfferRequest,
    ) -> Result<Offer, Error> {
        check_entitlement_name(caller, "entitlement", &request.entitlement)?;
        let state = self.read();
        let e = stored(&state, &request.entitlement)?;
        let (offer, _) = self
            .offer_of(&e)
            .ok_or_else(|| not_found("offer", &e.offer))?;
        Ok(offer.to_offer(&caller.account, &self.inner.catalog))
    }

    /// Builds a new entitlement of `offer` for `customer_name`, checking the
    /// purchase rules against what the customer already owns.
    pub(super) fn new_entitlement(
        &self,
        state: &mut State,
        customer_name: &str,
        input: &Entitlement,
        offer: &CatalogOffer,
        sku: &CatalogSku,
    ) -> Result<Entitlement, Error> {
        let owner = customer(state, customer_name)?;
        if owner.cloud_identity_id.is_empty() {
            return Err(reason(
                Code::FailedPrecondition,
                "CLOUD_IDENTITY_NOT_PROVISIONED",
                format!("customer {customer_name} has no Cloud Identity yet; provision it first"),
            ));
        }
        let team = owner
            .cloud_identity_info
            .as_ref()
            .is_some_and(|i| i.customer_type == 2);
        let prefix = format!("{customer_name}/entitlements/");
        let owned: Vec<&CatalogSku> = state
            .entitlements
            .under(&prefix)
            .filter_map(|(_, e)| self.offer_of(&e).map(|(_, s)| s))
            .collect();
        if owned.iter().any(|s| s.sku.name == sku.sku.name) {
            return Err(reason(
                Code::AlreadyExists,
                "SKU_ALREADY_PURCHASED",
                format!("the customer already owns {}", sku.sku.name),
            ));
        }
        if let Some(other) = owned.iter().find(|s| s.family == sku.family) {
            return Err(invalid(
                "entitlement.offer",
                format!(
                    "the customer owns {} of the same product family; change its offer instead",
                    other.sku.name
                ),
            ));
        }
        if let Some(base) = sku.requires_family
            && !owned.iter().any(|s| s.family == base)
        {
            return Err(reason(
                Code::FailedPrecondition,
                "BASE_ENTITLEMENT_MISSING",
                format!(
                    "{} is an add-on: the customer must first own a SKU of {base}",
                    sku.sku.name
                ),
            ));
        }
        if sku.needs_billing_account && input.billing_account.is_empty() {
            return Err(invalid(
                "entitlement.billing_account",
                "this SKU is billed to a billing account; set one",
            ));
        }
        check_parameters(offer, &input.parameters, "entitlement.parameters")?;
        let plan = offer.plan.payment_plan();
        let now = self.now();
        let commitment_settings = (plan == PaymentPlan::Commitment).then(|| CommitmentSettings {
            start_time: Some(now),
            end_time: Some(Timestamp {
                seconds: now.seconds + YEAR_SECONDS,
                nanos: now.nanos,
            }),
            renewal_settings: Some(
                input
                    .commitment_settings
                    .as_ref()
                    .and_then(|c| c.renewal_settings)
                    .unwrap_or(RenewalSettings {
                        enable_renewal: true,
                        resize_unit_count: false,
                        payment_plan: PaymentPlan::Commitment as i32,
                        payment_cycle: Some(Period {
                            duration: 1,
                            period_type: PeriodType::Year as i32,
                        }),
                    }),
            ),
        });
        let trial = plan == PaymentPlan::Trial;
        let pending_tos = team && sku.family.starts_with("workspace");
        let id = state.new_id('E');
        Ok(Entitlement {
            name: format!("{prefix}{id}"),
            create_time: Some(now),
            update_time: Some(now),
            offer: input.offer.clone(),
            commitment_settings,
            provisioning_state: if pending_tos {
                ProvisioningState::Suspended
            } else {
                ProvisioningState::Active
            } as i32,
            provisioned_service: Some(ProvisionedService {
                provisioning_id: state.new_id('P'),
                product_id: sku.provisioned_product_id.into(),
                sku_id: sku.provisioned_sku_id.into(),
            }),
            suspension_reasons: if pending_tos {
                vec![SuspensionReason::PendingTosAcceptance as i32]
            } else {
                Vec::new()
            },
            purchase_order_id: input.purchase_order_id.clone(),
            trial_settings: Some(TrialSettings {
                trial,
                end_time: trial.then_some(Timestamp {
                    seconds: now.seconds + TRIAL_SECONDS,
                    nanos: now.nanos,
                }),
            }),
            association_info: input.association_info.clone(),
            parameters: new_parameters(offer, &input.parameters),
            billing_account: input.billing_account.clone(),
            price_reference_id: input.price_reference_id.clone(),
        })
    }

    pub(super) fn create_entitlement(
        &self,
        caller: &Caller,
        request: CreateEntitlementRequest,
    ) -> Result<Operation, Error> {
        check_customer_name(caller, "parent", &request.parent)?;
        let input = request.entitlement.unwrap_or_default();
        validate::purchase_order_id("entitlement.purchase_order_id", &input.purchase_order_id)?;
        check_parameters_once(&input.parameters, "entitlement.parameters")?;
        let (offer, sku) = self.catalog_offer(caller, "entitlement.offer", &input.offer)?;
        self.run_operation(
            caller,
            "CreateEntitlement",
            &request.parent,
            &request.request_id,
            OperationType::CreateEntitlement,
            |state| {
                let e = self.new_entitlement(state, &request.parent, &input, offer, sku)?;
                state.entitlements.insert(&e);
                let change = if e.trial_settings.as_ref().is_some_and(|t| t.trial) {
                    ChangeType::TrialStarted
                } else {
                    ChangeType::Created
                };
                self.record_change(state, caller, &e, change, None);
                Ok(e)
            },
        )
    }

    /// Runs an operation that changes one stored entitlement.
    fn change_entitlement(
        &self,
        caller: &Caller,
        method: &'static str,
        name: &str,
        request_id: &str,
        kind: OperationType,
        change: impl FnOnce(
            &Engine,
            &mut Entitlement,
        ) -> Result<(ChangeType, Option<ChangeReason>), Error>,
    ) -> Result<Operation, Error> {
        check_entitlement_name(caller, "name", name)?;
        self.run_operation(caller, method, name, request_id, kind, |state| {
            let mut e = stored(state, name)?;
            let (change_type, change_reason) = change(self, &mut e)?;
            e.update_time = Some(self.now());
            state.entitlements.insert(&e);
            self.record_change(state, caller, &e, change_type, change_reason);
            Ok(e)
        })
    }

    pub(super) fn change_parameters(
        &self,
        caller: &Caller,
        request: ChangeParametersRequest,
    ) -> Result<Operation, Error> {
        if request.parameters.is_empty() {
            return Err(invalid("parameters", "required field is missing"));
        }
        validate::purchase_order_id("purchase_order_id", &request.purchase_order_id)?;
        check_parameters_once(&request.parameters, "parameters")?;
        self.change_entitlement(caller, "ChangeParameters", &request.name, &request.request_id, OperationType::ChangeParameters, |engine, e| {
            let (offer, _) = engine.offer_of(e).ok_or_else(|| not_found("offer", &e.offer))?;
            let assigned = param_int(&e.parameters, ASSIGNED_UNITS);
            // The output-only assigned_units is the customer's, not a
            // parameter of the offer: it is checked apart and kept.
            let mut merged = editable_parameters(&e.parameters);
            for p in &request.parameters {
                match merged.iter_mut().find(|m| m.name == p.name) {
                    Some(m) => m.value.clone_from(&p.value),
                    None => merged.push(Parameter { editable: true, ..p.clone() }),
                }
            }
            check_parameters(offer, &merged, "parameters")?;
            let committed = offer.plan.payment_plan() == PaymentPlan::Commitment;
            if committed
                && let (Some(old), Some(new)) = (num_units(&e.parameters), num_units(&merged))
                    && new < old {
                        return Err(invalid(
                            "parameters",
                            format!("seats can't be decreased on a commitment plan ({old} -> {new}) before it renews; \
                                     renewal_settings.resize_unit_count lowers them to the licenses assigned at renewal"),
                        ));
                    }
            if let Some(assigned) = assigned
                && let Some((name, new)) = unit_limits(&merged).find(|(_, n)| *n < assigned) {
                    return Err(invalid(
                        "parameters",
                        format!("{name} {new} is below the {assigned} licenses the customer has assigned"),
                    ));
                }
            if let Some(assigned) = assigned {
                set_param_int(&mut merged, ASSIGNED_UNITS, assigned, false);
            }
            e.parameters = merged;
            if !request.purchase_order_id.is_empty() {
                e.purchase_order_id.clone_from(&request.purchase_order_id);
            }
            // Seats of a commitment are its commitment; elsewhere, a cap.
            let change = if committed { ChangeType::CommitmentChanged } else { ChangeType::LicenseCapChanged };
            Ok((change, None))
        })
    }

    pub(super) fn change_renewal_settings(
        &self,
        caller: &Caller,
        request: ChangeRenewalSettingsRequest,
    ) -> Result<Operation, Error> {
        let settings = request
            .renewal_settings
            .ok_or_else(|| invalid("renewal_settings", "required field is missing"))?;
        self.change_entitlement(
            caller,
            "ChangeRenewalSettings",
            &request.name,
            &request.request_id,
            OperationType::ChangeRenewalSettings,
            |engine, e| {
                let (offer, _) = engine
                    .offer_of(e)
                    .ok_or_else(|| not_found("offer", &e.offer))?;
                if offer.plan.payment_plan() != PaymentPlan::Commitment {
                    return Err(reason(
                        Code::FailedPrecondition,
                        "NOT_COMMITMENT_PLAN",
                        format!("{} is not on a commitment plan", e.name),
                    ));
                }
                e.commitment_settings
                    .get_or_insert_with(Default::default)
                    .renewal_settings = Some(settings);
                Ok((ChangeType::RenewalSettingChanged, None))
            },
        )
    }

    pub(super) fn change_offer(
        &self,
        caller: &Caller,
        request: ChangeOfferRequest,
    ) -> Result<Operation, Error> {
        validate::purchase_order_id("purchase_order_id", &request.purchase_order_id)?;
        check_parameters_once(&request.parameters, "parameters")?;
        check_entitlement_name(caller, "name", &request.name)?;
        let (new_offer, new_sku) = self.catalog_offer(caller, "offer", &request.offer)?;
        self.run_operation(
            caller,
            "ChangeOffer",
            &request.name,
            &request.request_id,
            OperationType::ChangeOffer,
            |state| {
                let mut e = stored(state, &request.name)?.clone();
                let (_, old_sku) = self
                    .offer_of(&e)
                    .ok_or_else(|| not_found("offer", &e.offer))?;
                if old_sku.family != new_sku.family {
                    return Err(invalid(
                        "offer",
                        format!(
                            "{} is not in the entitlement's product family",
                            shorten(&request.offer)
                        ),
                    ));
                }
                if e.offer == request.offer {
                    // Back to the current offer: a change waiting for the
                    // renewal is called off; otherwise there is nothing to do.
                    if state.pending.remove(&e.name).is_some() {
                        return Ok(e);
                    }
                    return Err(invalid("offer", "the entitlement is already on this offer"));
                }
                let assigned = param_int(&e.parameters, ASSIGNED_UNITS);
                let mut parameters = if request.parameters.is_empty() {
                    // Kept are those the new offer defines: a flexible
                    // entitlement's `max_units` has no place on a commitment,
                    // which then asks for its `num_units`.
                    let mut kept = editable_parameters(&e.parameters);
                    kept.retain(|p| {
                        new_offer
                            .parameter_definitions
                            .iter()
                            .any(|d| d.name == p.name)
                    });
                    kept
                } else {
                    request.parameters.clone()
                };
                check_parameters(new_offer, &parameters, "parameters")?;
                if let Some(assigned) = assigned {
                    set_param_int(&mut parameters, ASSIGNED_UNITS, assigned, false);
                }
                let plan = new_offer.plan.payment_plan();
                let now = self.now();
                let committed_until = e
                    .commitment_settings
                    .as_ref()
                    .and_then(|c| c.end_time)
                    .filter(|end| end.seconds > now.seconds);
                let downgrade = self.edition_rank(new_sku) < self.edition_rank(old_sku);
                if committed_until.is_some() && (downgrade || plan != PaymentPlan::Commitment) {
                    // A commitment runs to its end: a downgrade or a move off
                    // the plan waits for the renewal (see FIDELITY.md).
                    state.pending.insert(
                        e.name.clone(),
                        PendingChange {
                            offer: request.offer.clone(),
                            parameters,
                            operator: caller.account_name(),
                            purchase_order_id: request.purchase_order_id.clone(),
                        },
                    );
                    return Ok(e);
                }
                state.pending.remove(&e.name);
                let change = if old_sku.sku.name == new_sku.sku.name {
                    ChangeType::PricePlanSwitched
                } else {
                    ChangeType::SkuChanged
                };
                e.offer.clone_from(&request.offer);
                e.parameters = parameters;
                if plan != PaymentPlan::Commitment {
                    e.commitment_settings = None;
                } else if e.commitment_settings.is_none() {
                    e.commitment_settings = Some(CommitmentSettings {
                        start_time: Some(now),
                        end_time: Some(Timestamp {
                            seconds: now.seconds + YEAR_SECONDS,
                            nanos: now.nanos,
                        }),
                        renewal_settings: Some(RenewalSettings {
                            enable_renewal: true,
                            payment_plan: plan as i32,
                            ..Default::default()
                        }),
                    });
                }
                e.trial_settings = Some(TrialSettings {
                    trial: plan == PaymentPlan::Trial,
                    end_time: None,
                });
                if !request.purchase_order_id.is_empty() {
                    e.purchase_order_id.clone_from(&request.purchase_order_id);
                }
                if !request.billing_account.is_empty() {
                    e.billing_account.clone_from(&request.billing_account);
                }
                e.update_time = Some(now);
                state.entitlements.insert(&e);
                self.record_change(state, caller, &e, change, None);
                Ok(e)
            },
        )
    }

    /// A SKU's place in its product family, lowest edition first (the
    /// catalog lists a family cheapest first).
    fn edition_rank(&self, sku: &CatalogSku) -> usize {
        self.inner
            .catalog
            .skus
            .iter()
            .filter(|s| s.family == sku.family)
            .position(|s| s.sku.name == sku.sku.name)
            .unwrap_or_default()
    }

    pub(super) fn start_paid_service(
        &self,
        caller: &Caller,
        request: StartPaidServiceRequest,
    ) -> Result<Operation, Error> {
        self.change_entitlement(
            caller,
            "StartPaidService",
            &request.name,
            &request.request_id,
            OperationType::StartPaidService,
            |_, e| {
                if !e.trial_settings.as_ref().is_some_and(|t| t.trial) {
                    return Err(reason(
                        Code::FailedPrecondition,
                        "NOT_IN_TRIAL",
                        format!("{} is not in a trial", e.name),
                    ));
                }
                e.trial_settings = Some(TrialSettings {
                    trial: false,
                    end_time: None,
                });
                Ok((ChangeType::PaidSubscriptionStarted, None))
            },
        )
    }

    pub(super) fn suspend_entitlement(
        &self,
        caller: &Caller,
        request: SuspendEntitlementRequest,
    ) -> Result<Operation, Error> {
        self.change_entitlement(
            caller,
            "SuspendEntitlement",
            &request.name,
            &request.request_id,
            OperationType::SuspendEntitlement,
            |_, e| {
                if e.provisioning_state() != ProvisioningState::Active {
                    return Err(reason(
                        Code::FailedPrecondition,
                        "NOT_ACTIVE",
                        format!("{} is not active", e.name),
                    ));
                }
                e.provisioning_state = ProvisioningState::Suspended as i32;
                e.suspension_reasons = vec![SuspensionReason::ResellerInitiated as i32];
                Ok((
                    ChangeType::Suspended,
                    Some(ChangeReason::SuspensionReason(
                        SuspensionReason::ResellerInitiated as i32,
                    )),
                ))
            },
        )
    }

    pub(super) fn activate_entitlement(
        &self,
        caller: &Caller,
        request: ActivateEntitlementRequest,
    ) -> Result<Operation, Error> {
        self.change_entitlement(
            caller,
            "ActivateEntitlement",
            &request.name,
            &request.request_id,
            OperationType::ActivateEntitlement,
            |_, e| {
                if e.provisioning_state() == ProvisioningState::Active {
                    return Err(reason(
                        Code::FailedPrecondition,
                        "NOT_SUSPENDED",
                        format!("{} is not suspended", e.name),
                    ));
                }
                if e.suspension_reasons
                    .iter()
                    .any(|r| *r != SuspensionReason::ResellerInitiated as i32)
                {
                    return Err(reason(
                        Code::FailedPrecondition,
                        "SUSPENSION_NOT_RESELLER_INITIATED",
                        format!(
                            "{} is suspended for a reason the reseller can't lift",
                            e.name
                        ),
                    ));
                }
                e.provisioning_state = ProvisioningState::Active as i32;
                e.suspension_reasons.clear();
                Ok((
                    ChangeType::Activated,
                    Some(ChangeReason::ActivationReason(
                        ActivationReason::ResellerRevokedSuspension as i32,
                    )),
                ))
            },
        )
    }

    pub(super) fn cancel_entitlement(
        &self,
        caller: &Caller,
        request: CancelEntitlementRequest,
    ) -> Result<Operation, Error> {
        check_entitlement_name(caller, "name", &request.name)?;
        self.run_operation(
            caller,
            "CancelEntitlement",
            &request.name,
            &request.request_id,
            OperationType::CancelEntitlement,
            |state| {
                let e = stored(state, &request.name)?.clone();
                let (_, sku) = self
                    .offer_of(&e)
                    .ok_or_else(|| not_found("offer", &e.offer))?;
                if sku.cancel_forbidden {
                    return Err(reason(
                        Code::FailedPrecondition,
                        "DELETION_TYPE_NOT_ALLOWED",
                        format!(
                            "{} can't be cancelled; transfer it or suspend it instead",
                            sku.sku.name
                        ),
                    ));
                }
                state.entitlements.remove(&request.name);
                state.pending.remove(&request.name);
                self.record_change(
                    state,
                    caller,
                    &e,
                    ChangeType::Cancelled,
                    Some(ChangeReason::CancellationReason(
                        CancellationReason::ServiceTerminated as i32,
                    )),
                );
                Ok(Empty {})
            },
        )
    }

    pub(super) fn transfer_entitlements(
        &self,
        caller: &Caller,
        request: TransferEntitlementsRequest,
    ) -> Result<Operation, Error> {
        check_customer_name(caller, "parent", &request.parent)?;
        if request.entitlements.is_empty() {
            return Err(invalid("entitlements", "required field is missing"));
        }
        let mut offers = Vec::new();
        for (i, e) in request.entitlements.iter().enumerate() {
            validate::purchase_order_id(
                &format!("entitlements[{i}].purchase_order_id"),
                &e.purchase_order_id,
            )?;
            check_parameters_once(&e.parameters, &format!("entitlements[{i}].parameters"))?;
            offers.push(self.catalog_offer(
                caller,
                &format!("entitlements[{i}].offer"),
                &e.offer,
            )?);
        }
        self.run_operation(
            caller,
            "TransferEntitlements",
            &request.parent,
            &request.request_id,
            OperationType::TransferEntitlements,
            |state| {
                let target = customer(state, &request.parent)?.clone();
                if target.cloud_identity_id.is_empty() {
                    return Err(world::precondition(
                        "CLOUD_IDENTITY_NOT_PROVISIONED",
                        format!(
                            "customer {} has no Cloud Identity; import or provision it first",
                            request.parent
                        ),
                    ));
                }
                let cid = target.cloud_identity_id.clone();
                let identity = world::known_by_id(state, &cid).ok_or_else(|| {
                    not_found("Cloud Identity", &cid)
                })?;
                world::check_authorized(state, caller, &identity, &request.auth_token)?;
                let held = world::holdings(self, state, caller, &cid);
                let own_prefix = format!("{}/entitlements/", request.parent);
                let mut seen = std::collections::BTreeSet::new();
                for (i, (_, sku)) in offers.iter().enumerate() {
                    if !seen.insert(sku.sku.name.as_str()) {
                        return Err(invalid(
                            &format!("entitlements[{i}].offer"),
                            format!("{} is named twice", sku.sku.name),
                        ));
                    }
                    let already = state
                        .entitlements
                        .under(&own_prefix)
                        .any(|(_, e)| {
                            self.offer_of(&e).is_some_and(|(_, s)| s.sku.name == sku.sku.name)
                        });
                    if already {
                        return Err(reason(
                            Code::AlreadyExists,
                            "SKU_ALREADY_TRANSFERRED",
                            format!("{} was already transferred for the customer", sku.sku.name),
                        ));
                    }
                    let moving = held.iter().any(|h| h.sku == sku.sku.name);
                    if moving && !identity.verified && world::needs_verified_domain(sku) {
                        return Err(world::precondition(
                            "DOMAIN_NOT_VERIFIED",
                            format!(
                                "{} requires domain verification to transfer, but {} is not verified",
                                sku.sku.name, identity.domain
                            ),
                        ));
                    }
                    let product = world::product_of(sku);
                    for h in &held {
                        let same_product = self
                            .inner
                            .catalog
                            .sku(&h.sku)
                            .is_some_and(|s| world::product_of(s) == product);
                        if same_product && !seen_all(&offers, &h.sku) {
                            return Err(world::precondition(
                                "SPECIFY_ALL_TRANSFERRING_ENTITLEMENTS",
                                format!(
                                    "specify all transferring entitlements: the customer also holds {} of {product}",
                                    h.sku
                                ),
                            ));
                        }
                    }
                }
                // Base SKUs first, so an add-on finds the base it needs.
                let mut order: Vec<usize> = (0..offers.len()).collect();
                order.sort_by_key(|&i| offers[i].1.requires_family.is_some());
                // All or nothing: an entitlement that can't be made undoes the others.
                let mut created: Vec<Entitlement> = Vec::new();
                for i in order {
                    let (offer, sku) = offers[i];
                    let input = &request.entitlements[i];
                    match self.new_entitlement(state, &request.parent, input, offer, sku) {
                        Ok(e) => {
                            state.entitlements.insert(&e);
                            created.push(e);
                        }
                        Err(error) => {
                            for e in &created {
                                state.entitlements.remove(&e.name);
                            }
                            return Err(error);
                        }
                    }
                }
                for e in &created {
                    self.record_change(state, caller, e, ChangeType::Created, None);
                }
                // The previous reseller (or Google) no longer serves what moved.
                let mut remaining = 0;
                for h in held {
                    if !seen_all(&offers, &h.sku) {
                        remaining += 1;
                        continue;
                    }
                    match h.entitlement {
                        Some(name) => {
                            if let Some(removed) = state.entitlements.remove(&name) {
                                self.record_change(
                                    state,
                                    caller,
                                    &removed,
                                    ChangeType::Cancelled,
                                    Some(ChangeReason::CancellationReason(
                                        CancellationReason::RelationshipEnded as i32,
                                    )),
                                );
                            }
                        }
                        None => {
                            if let Some(record) = state.identities.get_mut(&cid) {
                                record.subscriptions.retain(|s| *s != h.sku);
                            }
                        }
                    }
                }
                world::remember(state, caller, &cid);
                if remaining == 0
                    && let Some(record) = state.identities.get_mut(&cid)
                {
                    record.owner.clone_from(&caller.account);
                    record.authorized.remove(&caller.account);
                }
                created.sort_by(|a, b| a.name.cmp(&b.name));
                Ok(TransferEntitlementsResponse {
                    entitlements: created,
                })
            },
        )
    }

    pub(super) fn transfer_entitlements_to_google(
        &self,
        caller: &Caller,
        request: TransferEntitlementsToGoogleRequest,
    ) -> Result<Operation, Error> {
        check_customer_name(caller, "parent", &request.parent)?;
        if request.entitlements.is_empty() {
            return Err(invalid("entitlements", "required field is missing"));
        }
        self.run_operation(
            caller,
            "TransferEntitlementsToGoogle",
            &request.parent,
            &request.request_id,
            OperationType::TransferEntitlementsToGoogle,
            |state| {
                let prefix = format!("{}/entitlements/", request.parent);
                for (i, e) in request.entitlements.iter().enumerate() {
                    if !e.name.starts_with(&prefix) || !state.entitlements.contains(&e.name) {
                        return Err(not_found(
                            "entitlement",
                            &format!("{} (entitlements[{i}])", e.name),
                        ));
                    }
                }
                for e in &request.entitlements {
                    if let Some(removed) = state.entitlements.remove(&e.name) {
                        self.record_change(
                            state,
                            caller,
                            &removed,
                            ChangeType::Cancelled,
                            Some(ChangeReason::CancellationReason(
                                CancellationReason::RelationshipEnded as i32,
                            )),
                        );
                    }
                }
                Ok(Empty {})
            },
        )
    }

    pub(super) fn list_entitlement_changes(
        &self,
        caller: &Caller,
        request: ListEntitlementChangesRequest,
    ) -> Result<ListEntitlementChangesResponse, Error> {
        require(&[("parent", &request.parent)])?;
        // `-` for the entitlement lists the changes of all the customer's entitlements.
        let (customer_name, all) = match request.parent.strip_suffix("/entitlements/-") {
            Some(customer_name) => (customer_name.to_string(), true),
            None => {
                let parsed = EntitlementNameRef::parse(&request.parent)
                    .map_err(|e| invalid("parent", e.to_string()))?;
                (parsed.parent().to_string(), false)
            }
        };
        let customer_ref =
            CustomerNameRef::parse(&customer_name).map_err(|e| invalid("parent", e.to_string()))?;
        caller.check_account(customer_ref.account())?;
        let filter = Filter::new(&request.filter, CHANGE_FILTER)?;
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 10,
                max: 50,
            },
        )?;
        let state = self.read();
        customer(&state, &customer_name)?;
        let prefix = if all {
            format!("{customer_name}/entitlements/")
        } else {
            format!("{}/changes/", request.parent)
        };
        // An entitlement that never existed is NOT_FOUND; a cancelled one
        // keeps its history.
        if !all
            && !state.entitlements.contains(&request.parent)
            && !state
                .changes
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(&prefix))
        {
            return Err(not_found("entitlement", &request.parent));
        }
        let scope = format!("changes:{}:{}", request.parent, request.filter);
        let (entitlement_changes, next_page_token) = page(
            &state.changes,
            &prefix,
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |_, c| {
                filter
                    .matches(&|field| change_field(c, field))
                    .then(|| c.clone())
            },
        )?;
        Ok(ListEntitlementChangesResponse {
            entitlement_changes,
            next_page_token,
        })
    }
}

/// Whether the transfer names the SKU.
fn seen_all(offers: &[(&CatalogOffer, &CatalogSku)], sku: &str) -> bool {
    offers.iter().any(|(_, s)| s.sku.name == sku)
}
