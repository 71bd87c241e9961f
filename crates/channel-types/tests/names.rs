//! Property tests of the resource names, and a check that the borrowed
//! parser allocates nothing (a counting global allocator watches it).

// A global allocator is the one way to count allocations; it only forwards.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use channel_types::names::{
    AccountName, BillingAccountName, ChannelPartnerLinkName, ChannelPartnerRepricingConfigName,
    CloudBillingAccountName, CustomerName, CustomerNameRef, CustomerRepricingConfigName,
    EntitlementName, EntitlementNameRef, FolderName, LocationName, NameError, OfferName,
    OperationName, OrganizationName, ProductName, ProjectName, ReportJobName, ReportName,
    SkuGroupName, SkuName,
};
use proptest::prelude::*;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Other tests run on other threads at the same time: count only the
    // allocations of the thread that asked for it.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: every call forwards unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn borrowed_parse_allocates_nothing() {
    let good = "accounts/C01abc/customers/S9x7/entitlements/E5q2";
    let bad = "accounts/C01abc/customers//entitlements/E5q2";
    let nested = "accounts/C01/channelPartnerLinks/L1/customers/S2";
    // Warm up anything lazily initialised by the test harness first.
    let _ = EntitlementNameRef::parse(good);
    COUNTING.with(|c| c.set(true));
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let mut seen = 0usize;
    for _ in 0..1000 {
        let name = EntitlementNameRef::parse(std::hint::black_box(good)).unwrap();
        seen += name.entitlement().len() + name.parent().customer().len();
        let err = EntitlementNameRef::parse(std::hint::black_box(bad)).unwrap_err();
        seen += err.offset();
        let customer = CustomerNameRef::parse(std::hint::black_box(nested)).unwrap();
        seen += customer.channel_partner_link().map_or(0, str::len);
    }
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    COUNTING.with(|c| c.set(false));
    assert_eq!(after - before, 0, "the borrowed parser allocated");
    assert!(seen > 0);
}

/// A valid segment value: non-empty, no `/`, whitespace or control
/// characters, and neither `.` nor `..`.
fn segment() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~%@:+*=-]{1,24}".prop_filter("not a dot segment", |s| s != "." && s != "..")
}

macro_rules! round_trips {
    ($test:ident, $ty:ty, $($seg:ident),+) => {
        proptest! {
            #[test]
            fn $test($($seg in segment()),+) {
                let name = <$ty>::new($($seg.clone()),+).unwrap();
                let text = name.to_string();
                let parsed: $ty = text.parse().unwrap();
                prop_assert_eq!(&parsed, &name);
                prop_assert_eq!(parsed.to_string(), text);
            }
        }
    };
}

round_trips!(account_round_trips, AccountName, a);
round_trips!(customer_round_trips, CustomerName, a, c);
round_trips!(entitlement_round_trips, EntitlementName, a, c, e);
round_trips!(offer_round_trips, OfferName, a, o);
round_trips!(product_round_trips, ProductName, p);
round_trips!(sku_round_trips, SkuName, p, s);
round_trips!(link_round_trips, ChannelPartnerLinkName, a, l);
round_trips!(
    customer_repricing_round_trips,
    CustomerRepricingConfigName,
    a,
    c,
    r
);
round_trips!(
    partner_repricing_round_trips,
    ChannelPartnerRepricingConfigName,
    a,
    l,
    r
);
round_trips!(sku_group_round_trips, SkuGroupName, a, g);
round_trips!(billing_account_round_trips, BillingAccountName, a, b);
round_trips!(report_round_trips, ReportName, a, r);
round_trips!(report_job_round_trips, ReportJobName, a, r);
round_trips!(operation_round_trips, OperationName, o);
round_trips!(location_round_trips, LocationName, p, l);
round_trips!(
    cloud_billing_account_round_trips,
    CloudBillingAccountName,
    b
);
round_trips!(folder_round_trips, FolderName, f);
round_trips!(organization_round_trips, OrganizationName, o);
round_trips!(project_round_trips, ProjectName, p);

/// Text made of the collection words of the patterns and odd values (empty,
/// dot segments, an encoded slash, non-ASCII, spaces, a long run), joined by
/// slashes: near misses of every pattern, and some hits.
fn odd_name() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(String::new()),
        Just(".".to_string()),
        Just("..".to_string()),
        Just("%2F".to_string()),
        Just("a%2Fb".to_string()),
        Just("é€😀".to_string()),
        Just("\u{200b}".to_string()),
        Just("a b".to_string()),
        Just("x\ty".to_string()),
        Just("Accounts".to_string()),
        Just("z".repeat(300)),
        "[A-Za-z0-9._~-]{1,8}",
        prop::sample::select(vec![
            "accounts",
            "customers",
            "entitlements",
            "offers",
            "products",
            "skus",
            "channelPartnerLinks",
            "customerRepricingConfigs",
            "channelPartnerRepricingConfigs",
            "skuGroups",
            "billingAccounts",
            "reports",
            "reportJobs",
            "operations",
            "projects",
            "locations",
            "folders",
            "organizations",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..9).prop_map(|pieces| pieces.join("/"))
}

/// Parses `text` as `T`: a name prints back as exactly `text`, and a
/// refusal names the pattern and points inside the text.
fn agrees<T>(text: &str, parsed: Result<T, NameError>, pattern: &str) -> Result<(), TestCaseError>
where
    T: std::fmt::Display,
{
    match parsed {
        Ok(name) => prop_assert_eq!(name.to_string(), text),
        Err(error) => {
            prop_assert!(error.offset() <= text.len(), "{error:?} for {text:?}");
            prop_assert!(error.to_string().contains(pattern), "{error} for {text:?}");
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn every_name_type_prints_back_what_it_parsed_and_refuses_odd_text_by_its_pattern(
        text in odd_name()
    ) {
        let t = text.as_str();
        agrees(t, t.parse::<AccountName>(), AccountName::PATTERN)?;
        agrees(t, t.parse::<BillingAccountName>(), BillingAccountName::PATTERN)?;
        agrees(t, t.parse::<ChannelPartnerLinkName>(), ChannelPartnerLinkName::PATTERN)?;
        agrees(
            t,
            t.parse::<ChannelPartnerRepricingConfigName>(),
            ChannelPartnerRepricingConfigName::PATTERN,
        )?;
        agrees(t, t.parse::<CloudBillingAccountName>(), CloudBillingAccountName::PATTERN)?;
        // A customer name has two forms; a refusal names one of them.
        agrees(t, t.parse::<CustomerName>(), "accounts/{account}/")?;
        agrees(
            t,
            t.parse::<CustomerRepricingConfigName>(),
            CustomerRepricingConfigName::PATTERN,
        )?;
        agrees(t, t.parse::<EntitlementName>(), EntitlementName::PATTERN)?;
        agrees(t, t.parse::<FolderName>(), FolderName::PATTERN)?;
        agrees(t, t.parse::<LocationName>(), LocationName::PATTERN)?;
        agrees(t, t.parse::<OfferName>(), OfferName::PATTERN)?;
        agrees(t, t.parse::<OperationName>(), OperationName::PATTERN)?;
        agrees(t, t.parse::<OrganizationName>(), OrganizationName::PATTERN)?;
        agrees(t, t.parse::<ProductName>(), ProductName::PATTERN)?;
        agrees(t, t.parse::<ProjectName>(), ProjectName::PATTERN)?;
        agrees(t, t.parse::<ReportJobName>(), ReportJobName::PATTERN)?;
        agrees(t, t.parse::<ReportName>(), ReportName::PATTERN)?;
        agrees(t, t.parse::<SkuGroupName>(), SkuGroupName::PATTERN)?;
        agrees(t, t.parse::<SkuName>(), SkuName::PATTERN)?;
    }
}

#[test]
fn odd_but_legal_values_round_trip_and_a_very_long_name_is_no_problem() {
    for value in ["a%2Fb", "é€😀", "\u{200b}", "~_-.x", "Accounts"] {
        let text = format!("accounts/{value}/customers/{value}");
        let name: CustomerName = text.parse().unwrap();
        assert_eq!(name.customer(), value);
        assert_eq!(name.to_string(), text);
    }
    let long = "c".repeat(100_000);
    let text = format!("accounts/{long}/customers/{long}/entitlements/{long}");
    let name: EntitlementName = text.parse().unwrap();
    assert_eq!(name.entitlement().len(), 100_000);
    assert_eq!(name.to_string(), text);
    let error = format!("{text}/x").parse::<EntitlementName>().unwrap_err();
    assert_eq!(error.offset(), text.len() + 1);
}

proptest! {
    #[test]
    fn partner_customers_round_trip(a in segment(), l in segment(), c in segment()) {
        let name = CustomerName::for_channel_partner(a, l.clone(), c).unwrap();
        let parsed: CustomerName = name.to_string().parse().unwrap();
        prop_assert_eq!(parsed.channel_partner_link(), Some(l.as_str()));
        prop_assert_eq!(parsed, name);
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,80}", slashes in "[a-z/]{0,40}") {
        for input in [text.as_str(), slashes.as_str()] {
            let _ = EntitlementName::parse(input);
            let _ = CustomerNameRef::parse(input);
            let _ = input.parse::<ChannelPartnerRepricingConfigName>();
            let _ = input.parse::<LocationName>();
        }
    }

    #[test]
    fn a_slash_inside_a_segment_is_refused(a in segment(), b in segment()) {
        let joined = format!("{a}/{b}");
        prop_assert!(CustomerName::new(joined.clone(), "x").is_err());
        prop_assert!(EntitlementName::new("x", "y", joined).is_err());
    }
}

#[test]
fn names_print_with_a_width_and_a_precision_as_their_text_does() {
    let long = "e".repeat(200);
    let short = EntitlementName::new("A1", "C1", "E1").unwrap();
    // Longer than the stack buffer the borrowed form is joined in.
    let over_the_stack = EntitlementName::new("A1", "C1", long.as_str()).unwrap();
    let partner = CustomerName::for_channel_partner("A1", "L1", "C1").unwrap();
    let own = CustomerName::new("A1", "C1").unwrap();
    let (short_ref, long_ref) = (short.as_borrowed(), over_the_stack.as_borrowed());
    let (partner_ref, own_ref) = (partner.as_borrowed(), own.as_borrowed());
    let names: [&dyn std::fmt::Display; 8] = [
        &short,
        &over_the_stack,
        &partner,
        &own,
        &short_ref,
        &long_ref,
        &partner_ref,
        &own_ref,
    ];
    for name in names {
        let text = name.to_string();
        assert_eq!(
            format!("[{name:>300}|{name:<.12}|{name:^60}]"),
            format!("[{text:>300}|{text:<.12}|{text:^60}]"),
        );
    }
}
