#!/usr/bin/env python3
"""A reseller workflow against a Cloud Channel API v1 endpoint, driven by
Google's official Python clients, unmodified.

    python workflow.py --wire grpc --endpoint 127.0.0.1:8790 --account accounts/C0emulator
    python workflow.py --wire rest --endpoint 127.0.0.1:8791 --account accounts/C0emulator

--wire grpc uses google-cloud-channel (GAPIC) over an insecure gRPC channel;
--wire rest uses google-api-python-client with its bundled discovery document.
After the reseller workflow comes a transfer from another reseller, against
the customer the example scenario seeds (crates/channel-mock/examples/
scenario.yaml): wrong and missing auth tokens are refused with
PERMISSION_DENIED, a transfer that leaves out an entitlement of the product
with FAILED_PRECONDITION, and the full transfer moves both subscriptions.

Each step is printed; the first failure stops the run with exit status 1.
"""

import argparse
import json
import sys
import time
import traceback
import uuid

SKU_DISPLAY_NAME = "Google Workspace Business Standard"
SEATS = 5
# Every RPC and every wait on an operation is bounded by these.
CALL_TIMEOUT_S = 30.0
OPERATION_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 0.1
PAGE_SIZE = 3

# The other reseller's customer in the example scenario.
RIVAL_IDENTITY = "C-rival"
RIVAL_DOMAIN = "rival-customer.example"
RIVAL_TOKEN = "rival-admin-token"
RIVAL_SEATS = 20
TRANSFERRED_SKUS = {
    "products/google-workspace/skus/business-standard",
    "products/google-workspace/skus/google-vault",
}


class WorkflowError(Exception):
    """A step did not behave as the API contract says."""


def check(condition, message):
    if not condition:
        raise WorkflowError(message)


class Steps:
    """Numbers and prints the steps as they run."""

    def __init__(self, wire):
        self.wire = wire
        self.count = 0

    def start(self, title):
        self.count += 1
        print(f"[{self.wire}] step {self.count}: {title}", flush=True)

    def note(self, text):
        print(f"[{self.wire}]     {text}", flush=True)


def new_domain():
    return f"interop-{uuid.uuid4().hex[:12]}.example.com"


# ---------------------------------------------------------------------------
# gRPC, through the GAPIC client
# ---------------------------------------------------------------------------


def run_grpc(endpoint, account, steps):
    import grpc
    from google.api_core import exceptions as gexc
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import channel_v1
    from google.cloud.channel_v1.services.cloud_channel_service.transports import (
        CloudChannelServiceGrpcTransport,
    )
    from google.type import postal_address_pb2

    channel = grpc.insecure_channel(endpoint)
    try:
        transport = CloudChannelServiceGrpcTransport(
            channel=channel, credentials=AnonymousCredentials()
        )
    except ValueError:
        # Some versions refuse credentials together with a ready channel.
        transport = CloudChannelServiceGrpcTransport(channel=channel)
    client = channel_v1.CloudChannelServiceClient(transport=transport)
    timeout = CALL_TIMEOUT_S

    def wait(operation, what):
        try:
            return operation.result(timeout=OPERATION_TIMEOUT_S)
        except gexc.GoogleAPICallError as e:
            raise WorkflowError(f"{what}: the operation failed: {e}") from e
        except TimeoutError as e:
            raise WorkflowError(
                f"{what}: the operation was not done within {OPERATION_TIMEOUT_S}s"
            ) from e

    try:
        # 1. Offers, every page; pick the annual commitment plan of the SKU.
        steps.start(f"list offers of {account} (page size {PAGE_SIZE}, all pages)")
        pager = client.list_offers(
            request=channel_v1.ListOffersRequest(parent=account, page_size=PAGE_SIZE),
            timeout=timeout,
        )
        offers, pages = [], 0
        for page in pager.pages:
            pages += 1
            offers.extend(page.offers)
            check(pages <= 1000, "list offers: more than 1000 pages; the page tokens loop")
        steps.note(f"{len(offers)} offers in {pages} pages")
        check(offers, "list offers: no offers at all")
        check(
            pages > 1 or len(offers) <= PAGE_SIZE,
            f"list offers: {len(offers)} offers came in one page of size {PAGE_SIZE}",
        )
        names = [o.name for o in offers]
        check(len(set(names)) == len(names), "list offers: an offer came twice across pages")
        chosen = [
            o
            for o in offers
            if o.sku.marketing_info.display_name == SKU_DISPLAY_NAME
            and o.plan.payment_plan == channel_v1.PaymentPlan.COMMITMENT
        ]
        check(
            len(chosen) == 1,
            f"list offers: expected one COMMITMENT offer of {SKU_DISPLAY_NAME!r}, "
            f"found {[o.name for o in chosen]}",
        )
        offer = chosen[0]
        steps.note(f"chose {offer.name} (SKU {offer.sku.name})")
        units = [p for p in offer.parameter_definitions if p.name == "num_units"]
        check(units, f"{offer.name} has no num_units parameter definition")
        check(
            units[0].parameter_type == channel_v1.ParameterDefinition.ParameterType.INT64,
            f"num_units has type {units[0].parameter_type!r}, expected INT64",
        )
        low, high = units[0].min_value.int64_value, units[0].max_value.int64_value
        steps.note(f"num_units may be {low}..{high}")
        check(low <= SEATS <= high, f"{SEATS} seats is outside {low}..{high}")

        # 2. The domain is new: no Cloud Identity account has it.
        domain = new_domain()
        steps.start(f"check Cloud Identity accounts for {domain}")
        exists = client.check_cloud_identity_accounts_exist(
            request=channel_v1.CheckCloudIdentityAccountsExistRequest(
                parent=account, domain=domain
            ),
            timeout=timeout,
        )
        check(
            len(exists.cloud_identity_accounts) == 0,
            f"a new domain already has accounts: {exists.cloud_identity_accounts}",
        )
        steps.note("none exist")

        # 3. The customer.
        steps.start(f"create customer for {domain}")
        customer = client.create_customer(
            request=channel_v1.CreateCustomerRequest(
                parent=account,
                customer=channel_v1.Customer(
                    org_display_name=f"Interop {domain}",
                    org_postal_address=postal_address_pb2.PostalAddress(
                        region_code="US",
                        postal_code="94043",
                        address_lines=["1600 Amphitheatre Parkway"],
                        locality="Mountain View",
                        administrative_area="CA",
                    ),
                    domain=domain,
                    primary_contact_info=channel_v1.ContactInfo(
                        first_name="Ada",
                        last_name="Lovelace",
                        email=f"ada@{domain}",
                    ),
                    language_code="en-US",
                ),
            ),
            timeout=timeout,
        )
        check(
            customer.name.startswith(f"{account}/customers/"),
            f"create customer: unexpected name {customer.name!r}",
        )
        check(customer.domain == domain, f"create customer: domain {customer.domain!r}")
        check(
            customer.org_postal_address.region_code == "US"
            and customer.org_postal_address.postal_code == "94043",
            f"create customer: postal address {customer.org_postal_address}",
        )
        check(
            customer.primary_contact_info.email == f"ada@{domain}",
            f"create customer: contact {customer.primary_contact_info}",
        )
        check(not customer.cloud_identity_id, "a new customer already has a Cloud Identity")
        steps.note(f"created {customer.name}")

        # 4. Cloud Identity.
        steps.start(f"provision Cloud Identity for admin@{domain} and wait")
        operation = client.provision_cloud_identity(
            request=channel_v1.ProvisionCloudIdentityRequest(
                customer=customer.name,
                cloud_identity_info=channel_v1.CloudIdentityInfo(
                    alternate_email=f"ada@{domain.replace('.example.com', '.example.org')}",
                    language_code="en-US",
                ),
                user=channel_v1.AdminUser(
                    email=f"admin@{domain}", given_name="Ada", family_name="Lovelace"
                ),
            ),
            timeout=timeout,
        )
        steps.note(f"operation {operation.operation.name}")
        provisioned = wait(operation, "provision Cloud Identity")
        check(
            isinstance(provisioned, channel_v1.Customer),
            f"provision Cloud Identity: result is {type(provisioned).__name__}",
        )
        check(provisioned.name == customer.name, f"provisioned {provisioned.name!r}")
        check(provisioned.cloud_identity_id, "provisioned customer has no cloud_identity_id")
        metadata = operation.metadata
        check(
            metadata is not None
            and metadata.operation_type
            == channel_v1.OperationMetadata.OperationType.PROVISION_CLOUD_IDENTITY,
            f"provision Cloud Identity: metadata {metadata!r}",
        )
        steps.note(f"cloud identity {provisioned.cloud_identity_id}")
        again = client.check_cloud_identity_accounts_exist(
            request={"parent": account, "domain": domain}, timeout=timeout
        )
        check(
            len(again.cloud_identity_accounts) == 1
            and again.cloud_identity_accounts[0].owned
            and again.cloud_identity_accounts[0].customer_name == customer.name,
            f"after provisioning, the domain's accounts are {again.cloud_identity_accounts}",
        )
        steps.note("the domain now has one account, owned by this reseller")

        # 5. The entitlement.
        steps.start(f"create entitlement of {offer.name} with {SEATS} seats and wait")
        operation = client.create_entitlement(
            request=channel_v1.CreateEntitlementRequest(
                parent=customer.name,
                entitlement=channel_v1.Entitlement(
                    offer=offer.name,
                    parameters=[
                        channel_v1.Parameter(
                            name="num_units", value=channel_v1.Value(int64_value=SEATS)
                        )
                    ],
                    commitment_settings=channel_v1.CommitmentSettings(
                        renewal_settings=channel_v1.RenewalSettings(
                            enable_renewal=True,
                            payment_plan=channel_v1.PaymentPlan.COMMITMENT,
                            payment_cycle=channel_v1.Period(
                                duration=1, period_type=channel_v1.PeriodType.YEAR
                            ),
                        )
                    ),
                    purchase_order_id=f"po-{uuid.uuid4().hex[:8]}",
                ),
                request_id=str(uuid.uuid4()),
            ),
            timeout=timeout,
        )
        entitlement = wait(operation, "create entitlement")
        check(
            entitlement.name.startswith(f"{customer.name}/entitlements/"),
            f"create entitlement: unexpected name {entitlement.name!r}",
        )
        entitlement = client.get_entitlement(
            request={"name": entitlement.name}, timeout=timeout
        )
        check(
            entitlement.provisioning_state == channel_v1.Entitlement.ProvisioningState.ACTIVE,
            f"new entitlement is {entitlement.provisioning_state!r}, expected ACTIVE",
        )
        check(entitlement.offer == offer.name, f"entitlement offer {entitlement.offer!r}")
        seats = [
            p.value.int64_value for p in entitlement.parameters if p.name == "num_units"
        ]
        check(seats == [SEATS], f"entitlement num_units is {seats}, expected [{SEATS}]")
        renewal = entitlement.commitment_settings.renewal_settings
        check(
            renewal.enable_renewal
            and renewal.payment_plan == channel_v1.PaymentPlan.COMMITMENT
            and renewal.payment_cycle.duration == 1
            and renewal.payment_cycle.period_type == channel_v1.PeriodType.YEAR,
            f"entitlement renewal settings are {renewal}",
        )
        steps.note(f"{entitlement.name} is ACTIVE with {SEATS} seats, renews yearly")

        # 6. Suspend.
        steps.start("suspend the entitlement and wait")
        suspended = wait(
            client.suspend_entitlement(request={"name": entitlement.name}, timeout=timeout),
            "suspend entitlement",
        )
        check(
            suspended.provisioning_state
            == channel_v1.Entitlement.ProvisioningState.SUSPENDED,
            f"after suspend the entitlement is {suspended.provisioning_state!r}",
        )
        check(
            channel_v1.Entitlement.SuspensionReason.RESELLER_INITIATED
            in list(suspended.suspension_reasons),
            f"suspension reasons are {list(suspended.suspension_reasons)}",
        )
        steps.note("SUSPENDED (reseller initiated)")

        # 7. Suspending twice is refused.
        steps.start("suspend it again: expect FAILED_PRECONDITION")
        try:
            client.suspend_entitlement(request={"name": entitlement.name}, timeout=timeout)
        except gexc.FailedPrecondition as e:
            steps.note(f"refused as expected: {e.message}")
        except gexc.GoogleAPICallError as e:
            raise WorkflowError(
                f"second suspend: expected FailedPrecondition, got {type(e).__name__}: {e}"
            ) from e
        else:
            raise WorkflowError("second suspend: expected FailedPrecondition, it succeeded")

        # 8. Hand the entitlement over to Google.
        steps.start("transfer the entitlement to Google and wait")
        operation = client.transfer_entitlements_to_google(
            request=channel_v1.TransferEntitlementsToGoogleRequest(
                parent=customer.name,
                entitlements=[entitlement],
                request_id=str(uuid.uuid4()),
            ),
            timeout=timeout,
        )
        wait(operation, "transfer entitlements to Google")
        left = list(
            client.list_entitlements(request={"parent": customer.name}, timeout=timeout)
        )
        check(not left, f"after the transfer the customer still has {[e.name for e in left]}")
        steps.note("the customer has no entitlements left")

        # 9. Delete the customer.
        steps.start(f"delete {customer.name}")
        client.delete_customer(request={"name": customer.name}, timeout=timeout)
        try:
            client.get_customer(request={"name": customer.name}, timeout=timeout)
        except gexc.NotFound:
            steps.note("get customer now answers NOT_FOUND")
        except gexc.GoogleAPICallError as e:
            raise WorkflowError(
                f"get deleted customer: expected NotFound, got {type(e).__name__}: {e}"
            ) from e
        else:
            raise WorkflowError("get deleted customer: expected NotFound, it succeeded")
    except gexc.GoogleAPICallError as e:
        raise WorkflowError(f"unexpected {type(e).__name__}: {e}") from e
    finally:
        channel.close()


def transfer_grpc(endpoint, account, steps):
    """The transfer from another reseller, through the GAPIC client."""
    import grpc
    from google.api_core import exceptions as gexc
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import channel_v1
    from google.cloud.channel_v1.services.cloud_channel_service.transports import (
        CloudChannelServiceGrpcTransport,
    )

    channel = grpc.insecure_channel(endpoint)
    try:
        transport = CloudChannelServiceGrpcTransport(
            channel=channel, credentials=AnonymousCredentials()
        )
    except ValueError:
        transport = CloudChannelServiceGrpcTransport(channel=channel)
    client = channel_v1.CloudChannelServiceClient(transport=transport)
    timeout = CALL_TIMEOUT_S

    def skus(token):
        return list(
            client.list_transferable_skus(
                request=channel_v1.ListTransferableSkusRequest(
                    parent=account, cloud_identity_id=RIVAL_IDENTITY, auth_token=token
                ),
                timeout=timeout,
            )
        )

    def expect_denied(what, call):
        try:
            call()
        except gexc.PermissionDenied as e:
            steps.note(f"{what}: PERMISSION_DENIED as documented ({e.message[:80]})")
            return
        except gexc.GoogleAPICallError as e:
            raise WorkflowError(
                f"{what}: expected PermissionDenied, got {type(e).__name__}: {e}"
            ) from e
        raise WorkflowError(f"{what}: expected PERMISSION_DENIED, it succeeded")

    def seats(n):
        return [channel_v1.Parameter(name="num_units", value=channel_v1.Value(int64_value=n))]

    try:
        steps.start(f"list transferable SKUs of {RIVAL_IDENTITY} with a wrong and no auth token")
        expect_denied("wrong token", lambda: skus("not-the-token"))
        expect_denied("no token", lambda: skus(""))

        steps.start(f"list transferable SKUs of {RIVAL_IDENTITY} with its auth token")
        found = {t.sku.name for t in skus(RIVAL_TOKEN)}
        check(found == TRANSFERRED_SKUS, f"transferable SKUs are {sorted(found)}")
        steps.note(f"{sorted(found)}")

        steps.start(f"import the customer by Cloud Identity id {RIVAL_IDENTITY}")
        expect_denied(
            "import with a wrong token",
            lambda: client.import_customer(
                request=channel_v1.ImportCustomerRequest(
                    parent=account, cloud_identity_id=RIVAL_IDENTITY, auth_token="nope"
                ),
                timeout=timeout,
            ),
        )
        customer = client.import_customer(
            request=channel_v1.ImportCustomerRequest(
                parent=account,
                cloud_identity_id=RIVAL_IDENTITY,
                auth_token=RIVAL_TOKEN,
                overwrite_if_exists=False,
            ),
            timeout=timeout,
        )
        check(
            customer.name.startswith(f"{account}/customers/")
            and customer.domain == RIVAL_DOMAIN
            and customer.cloud_identity_id == RIVAL_IDENTITY,
            f"imported customer: {customer.name} {customer.domain} {customer.cloud_identity_id}",
        )
        steps.note(f"imported as {customer.name}")

        offers = {}
        for sku in sorted(TRANSFERRED_SKUS):
            steps.start(f"list transferable offers of {sku}")
            listed = list(
                client.list_transferable_offers(
                    request=channel_v1.ListTransferableOffersRequest(
                        parent=account, customer_name=customer.name, sku=sku
                    ),
                    timeout=timeout,
                )
            )
            flexible = [
                t.offer.name
                for t in listed
                if t.offer.plan.payment_plan == channel_v1.PaymentPlan.FLEXIBLE
            ]
            check(len(flexible) == 1, f"flexible transferable offers of {sku}: {flexible}")
            offers[sku] = flexible[0]
            steps.note(f"chose {flexible[0]}")

        def transfer(skus_named, token):
            return client.transfer_entitlements(
                request=channel_v1.TransferEntitlementsRequest(
                    parent=customer.name,
                    entitlements=[
                        channel_v1.Entitlement(offer=offers[s], parameters=seats(RIVAL_SEATS))
                        for s in skus_named
                    ],
                    auth_token=token,
                ),
                timeout=timeout,
            )

        base = "products/google-workspace/skus/business-standard"
        steps.start("transfer with a wrong auth token: expect PERMISSION_DENIED")
        expect_denied("transfer with a wrong token", lambda: transfer(sorted(TRANSFERRED_SKUS), "nope"))

        steps.start("transfer the base SKU alone: expect FAILED_PRECONDITION")
        try:
            transfer([base], RIVAL_TOKEN).result(timeout=OPERATION_TIMEOUT_S)
        except gexc.FailedPrecondition as e:
            steps.note(f"refused as expected: {e.message[:100]}")
        except gexc.GoogleAPICallError as e:
            raise WorkflowError(
                f"partial transfer: expected FailedPrecondition, got {type(e).__name__}: {e}"
            ) from e
        else:
            raise WorkflowError("partial transfer: expected FAILED_PRECONDITION, it succeeded")

        steps.start("transfer every entitlement with the auth token and wait")
        moved = transfer(sorted(TRANSFERRED_SKUS), RIVAL_TOKEN).result(
            timeout=OPERATION_TIMEOUT_S
        )
        check(len(moved.entitlements) == 2, f"transferred: {list(moved.entitlements)}")
        mine = list(client.list_entitlements(request={"parent": customer.name}, timeout=timeout))
        check(len(mine) == 2, f"the customer has {[e.name for e in mine]}")
        left = {t.sku.name for t in skus(RIVAL_TOKEN)}
        check(not left, f"the other reseller still holds {sorted(left)}")
        steps.note("both entitlements moved; the other reseller holds nothing")
    except gexc.GoogleAPICallError as e:
        raise WorkflowError(f"unexpected {type(e).__name__}: {e}") from e
    finally:
        channel.close()


# ---------------------------------------------------------------------------
# REST, through the discovery-based client
# ---------------------------------------------------------------------------


def run_rest(endpoint, account, steps):
    import socket

    from google.auth.credentials import AnonymousCredentials
    from googleapiclient import discovery
    from googleapiclient.errors import HttpError

    base = endpoint if "://" in endpoint else f"http://{endpoint}"
    # The client's sockets take this default, so no call waits longer.
    socket.setdefaulttimeout(CALL_TIMEOUT_S)
    service = discovery.build(
        "cloudchannel",
        "v1",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": base},
        static_discovery=True,
        cache_discovery=False,
    )
    accounts = service.accounts()
    customers = accounts.customers()
    entitlements = customers.entitlements()

    def error_status(e):
        try:
            return json.loads(e.content.decode("utf-8"))["error"]["status"]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def describe(e):
        body = e.content.decode("utf-8", "replace") if e.content else ""
        return f"HTTP {e.resp.status} for {e.uri}: {body[:500]}"

    def wait(operation, what):
        check(
            isinstance(operation, dict) and operation.get("name", "").startswith("operations/"),
            f"{what}: not an operation: {operation!r}",
        )
        steps.note(f"operation {operation['name']}")
        deadline = time.monotonic() + OPERATION_TIMEOUT_S
        polls = 0
        while not operation.get("done"):
            if time.monotonic() > deadline:
                raise WorkflowError(
                    f"{what}: {operation['name']} not done within {OPERATION_TIMEOUT_S}s"
                )
            time.sleep(POLL_INTERVAL_S)
            operation = service.operations().get(name=operation["name"]).execute()
            polls += 1
        steps.note(f"done after {polls} polls")
        if "error" in operation:
            raise WorkflowError(f"{what}: the operation failed: {operation['error']}")
        check("response" in operation, f"{what}: done operation has no response: {operation}")
        return operation

    try:
        # 1. Offers, every page; pick the annual commitment plan of the SKU.
        steps.start(f"list offers of {account} (page size {PAGE_SIZE}, all pages)")
        offers, pages = [], 0
        request = accounts.offers().list(parent=account, pageSize=PAGE_SIZE)
        while request is not None:
            response = request.execute()
            pages += 1
            offers.extend(response.get("offers", []))
            check(pages <= 1000, "list offers: more than 1000 pages; the page tokens loop")
            request = accounts.offers().list_next(request, response)
        steps.note(f"{len(offers)} offers in {pages} pages")
        check(offers, "list offers: no offers at all")
        check(
            pages > 1 or len(offers) <= PAGE_SIZE,
            f"list offers: {len(offers)} offers came in one page of size {PAGE_SIZE}",
        )
        names = [o["name"] for o in offers]
        check(len(set(names)) == len(names), "list offers: an offer came twice across pages")
        chosen = [
            o
            for o in offers
            if o.get("sku", {}).get("marketingInfo", {}).get("displayName") == SKU_DISPLAY_NAME
            and o.get("plan", {}).get("paymentPlan") == "COMMITMENT"
        ]
        check(
            len(chosen) == 1,
            f"list offers: expected one COMMITMENT offer of {SKU_DISPLAY_NAME!r}, "
            f"found {[o['name'] for o in chosen]}",
        )
        offer = chosen[0]
        steps.note(f"chose {offer['name']} (SKU {offer['sku']['name']})")
        units = [p for p in offer.get("parameterDefinitions", []) if p["name"] == "num_units"]
        check(units, f"{offer['name']} has no num_units parameter definition")
        check(
            units[0].get("parameterType") == "INT64",
            f"num_units has type {units[0].get('parameterType')!r}, expected INT64",
        )
        # int64 travels as a JSON string in proto3 JSON.
        low = int(units[0].get("minValue", {}).get("int64Value", "0"))
        high = int(units[0].get("maxValue", {}).get("int64Value", "0"))
        steps.note(f"num_units may be {low}..{high}")
        check(low <= SEATS <= high, f"{SEATS} seats is outside {low}..{high}")

        # 2. The domain is new: no Cloud Identity account has it.
        domain = new_domain()
        steps.start(f"check Cloud Identity accounts for {domain}")
        exists = accounts.checkCloudIdentityAccountsExist(
            parent=account, body={"domain": domain}
        ).execute()
        check(
            not exists.get("cloudIdentityAccounts"),
            f"a new domain already has accounts: {exists}",
        )
        steps.note("none exist")

        # 3. The customer.
        steps.start(f"create customer for {domain}")
        customer = customers.create(
            parent=account,
            body={
                "orgDisplayName": f"Interop {domain}",
                "orgPostalAddress": {
                    "regionCode": "US",
                    "postalCode": "94043",
                    "addressLines": ["1600 Amphitheatre Parkway"],
                    "locality": "Mountain View",
                    "administrativeArea": "CA",
                },
                "domain": domain,
                "primaryContactInfo": {
                    "firstName": "Ada",
                    "lastName": "Lovelace",
                    "email": f"ada@{domain}",
                },
                "languageCode": "en-US",
            },
        ).execute()
        name = customer.get("name", "")
        check(
            name.startswith(f"{account}/customers/"),
            f"create customer: unexpected name {name!r}",
        )
        check(customer.get("domain") == domain, f"create customer: domain in {customer}")
        address = customer.get("orgPostalAddress", {})
        check(
            address.get("regionCode") == "US" and address.get("postalCode") == "94043",
            f"create customer: postal address {address}",
        )
        check(
            customer.get("primaryContactInfo", {}).get("email") == f"ada@{domain}",
            f"create customer: contact {customer.get('primaryContactInfo')}",
        )
        check(not customer.get("cloudIdentityId"), "a new customer already has a Cloud Identity")
        steps.note(f"created {name}")

        # 4. Cloud Identity.
        steps.start(f"provision Cloud Identity for admin@{domain} and wait")
        operation = customers.provisionCloudIdentity(
            customer=name,
            body={
                "cloudIdentityInfo": {
                    "alternateEmail": f"ada@{domain.replace('.example.com', '.example.org')}",
                    "languageCode": "en-US",
                },
                "user": {
                    "email": f"admin@{domain}",
                    "givenName": "Ada",
                    "familyName": "Lovelace",
                },
            },
        ).execute()
        operation = wait(operation, "provision Cloud Identity")
        provisioned = operation["response"]
        check(
            provisioned.get("@type")
            == "type.googleapis.com/google.cloud.channel.v1.Customer",
            f"provision Cloud Identity: response type {provisioned.get('@type')!r}",
        )
        check(provisioned.get("name") == name, f"provisioned {provisioned.get('name')!r}")
        check(provisioned.get("cloudIdentityId"), "provisioned customer has no cloudIdentityId")
        metadata = operation.get("metadata", {})
        check(
            metadata.get("@type")
            == "type.googleapis.com/google.cloud.channel.v1.OperationMetadata"
            and metadata.get("operationType") == "PROVISION_CLOUD_IDENTITY",
            f"provision Cloud Identity: metadata {metadata}",
        )
        steps.note(f"cloud identity {provisioned['cloudIdentityId']}")
        again = accounts.checkCloudIdentityAccountsExist(
            parent=account, body={"domain": domain}
        ).execute()
        found = again.get("cloudIdentityAccounts", [])
        check(
            len(found) == 1 and found[0].get("owned") and found[0].get("customerName") == name,
            f"after provisioning, the domain's accounts are {found}",
        )
        steps.note("the domain now has one account, owned by this reseller")

        # 5. The entitlement.
        steps.start(f"create entitlement of {offer['name']} with {SEATS} seats and wait")
        operation = entitlements.create(
            parent=name,
            body={
                "entitlement": {
                    "offer": offer["name"],
                    "parameters": [
                        {"name": "num_units", "value": {"int64Value": str(SEATS)}}
                    ],
                    "commitmentSettings": {
                        "renewalSettings": {
                            "enableRenewal": True,
                            "paymentPlan": "COMMITMENT",
                            "paymentCycle": {"duration": 1, "periodType": "YEAR"},
                        }
                    },
                    "purchaseOrderId": f"po-{uuid.uuid4().hex[:8]}",
                },
                "requestId": str(uuid.uuid4()),
            },
        ).execute()
        created = wait(operation, "create entitlement")["response"]
        ent_name = created.get("name", "")
        check(
            ent_name.startswith(f"{name}/entitlements/"),
            f"create entitlement: unexpected name {ent_name!r}",
        )
        entitlement = entitlements.get(name=ent_name).execute()
        check(
            entitlement.get("provisioningState") == "ACTIVE",
            f"new entitlement is {entitlement.get('provisioningState')!r}, expected ACTIVE",
        )
        check(entitlement.get("offer") == offer["name"], f"entitlement offer in {entitlement}")
        seats = [
            p.get("value", {}).get("int64Value")
            for p in entitlement.get("parameters", [])
            if p.get("name") == "num_units"
        ]
        check(
            seats == [str(SEATS)],
            f"entitlement num_units is {seats}, expected ['{SEATS}'] (int64 as a JSON string)",
        )
        renewal = entitlement.get("commitmentSettings", {}).get("renewalSettings", {})
        check(
            renewal.get("enableRenewal") is True
            and renewal.get("paymentPlan") == "COMMITMENT"
            and renewal.get("paymentCycle") == {"duration": 1, "periodType": "YEAR"},
            f"entitlement renewal settings are {renewal}",
        )
        steps.note(f"{ent_name} is ACTIVE with {SEATS} seats, renews yearly")

        # 6. Suspend.
        steps.start("suspend the entitlement and wait")
        operation = entitlements.suspend(name=ent_name, body={}).execute()
        suspended = wait(operation, "suspend entitlement")["response"]
        check(
            suspended.get("provisioningState") == "SUSPENDED",
            f"after suspend the entitlement is {suspended.get('provisioningState')!r}",
        )
        check(
            "RESELLER_INITIATED" in suspended.get("suspensionReasons", []),
            f"suspension reasons are {suspended.get('suspensionReasons')}",
        )
        steps.note("SUSPENDED (reseller initiated)")

        # 7. Suspending twice is refused.
        steps.start("suspend it again: expect FAILED_PRECONDITION")
        try:
            entitlements.suspend(name=ent_name, body={}).execute()
        except HttpError as e:
            status = error_status(e)
            check(
                e.resp.status == 400 and status == "FAILED_PRECONDITION",
                f"second suspend: expected 400 FAILED_PRECONDITION, got {describe(e)}",
            )
            steps.note(f"refused as expected: 400 {status}")
        else:
            raise WorkflowError("second suspend: expected FAILED_PRECONDITION, it succeeded")

        # 8. Hand the entitlement over to Google.
        steps.start("transfer the entitlement to Google and wait")
        # The stored entitlement, as a plain message (the operation's copy
        # carries "@type", which an Entitlement field does not accept).
        current = entitlements.get(name=ent_name).execute()
        check(
            current.get("provisioningState") == "SUSPENDED",
            f"get entitlement after suspend: {current.get('provisioningState')!r}",
        )
        operation = customers.transferEntitlementsToGoogle(
            parent=name,
            body={"entitlements": [current], "requestId": str(uuid.uuid4())},
        ).execute()
        done = wait(operation, "transfer entitlements to Google")
        check(
            done["response"].get("@type") == "type.googleapis.com/google.protobuf.Empty",
            f"transfer to Google: response {done['response']}",
        )
        left = entitlements.list(parent=name).execute()
        check(
            not left.get("entitlements"),
            f"after the transfer the customer still has {left.get('entitlements')}",
        )
        steps.note("the customer has no entitlements left")

        # 9. Delete the customer.
        steps.start(f"delete {name}")
        deleted = customers.delete(name=name).execute()
        check(deleted in ({}, None, ""), f"delete customer answered {deleted!r}")
        try:
            customers.get(name=name).execute()
        except HttpError as e:
            status = error_status(e)
            check(
                e.resp.status == 404 and status == "NOT_FOUND",
                f"get deleted customer: expected 404 NOT_FOUND, got {describe(e)}",
            )
            steps.note("get customer now answers 404 NOT_FOUND")
        else:
            raise WorkflowError("get deleted customer: expected NOT_FOUND, it succeeded")
    except HttpError as e:
        raise WorkflowError(f"unexpected HTTP error: {describe(e)}") from e


def transfer_rest(endpoint, account, steps):
    """The transfer from another reseller, through the discovery client."""
    import socket

    from google.auth.credentials import AnonymousCredentials
    from googleapiclient import discovery
    from googleapiclient.errors import HttpError

    base = endpoint if "://" in endpoint else f"http://{endpoint}"
    socket.setdefaulttimeout(CALL_TIMEOUT_S)
    service = discovery.build(
        "cloudchannel",
        "v1",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": base},
        static_discovery=True,
        cache_discovery=False,
    )
    accounts = service.accounts()
    customers = accounts.customers()

    def status_of(e):
        try:
            return json.loads(e.content.decode("utf-8"))["error"]["status"]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def expect(what, http, status, call):
        try:
            call()
        except HttpError as e:
            check(
                e.resp.status == http and status_of(e) == status,
                f"{what}: expected {http} {status}, got {e.resp.status} {status_of(e)}",
            )
            steps.note(f"{what}: {http} {status} as documented")
            return
        raise WorkflowError(f"{what}: expected {http} {status}, it succeeded")

    def skus(token):
        body = {"cloudIdentityId": RIVAL_IDENTITY}
        if token:
            body["authToken"] = token
        answer = accounts.listTransferableSkus(parent=account, body=body).execute()
        return answer.get("transferableSkus", [])

    def wait(operation, what):
        deadline = time.monotonic() + OPERATION_TIMEOUT_S
        while not operation.get("done"):
            if time.monotonic() > deadline:
                raise WorkflowError(f"{what}: not done within {OPERATION_TIMEOUT_S}s")
            time.sleep(POLL_INTERVAL_S)
            operation = service.operations().get(name=operation["name"]).execute()
        return operation

    def seats(n):
        return [{"name": "num_units", "value": {"int64Value": str(n)}}]

    try:
        steps.start(f"list transferable SKUs of {RIVAL_IDENTITY} with a wrong and no auth token")
        expect("wrong token", 403, "PERMISSION_DENIED", lambda: skus("not-the-token"))
        expect("no token", 403, "PERMISSION_DENIED", lambda: skus(""))

        steps.start(f"list transferable SKUs of {RIVAL_IDENTITY} with its auth token")
        found = {t["sku"]["name"] for t in skus(RIVAL_TOKEN)}
        check(found == TRANSFERRED_SKUS, f"transferable SKUs are {sorted(found)}")
        steps.note(f"{sorted(found)}")

        steps.start(f"import the customer by Cloud Identity id {RIVAL_IDENTITY}")
        expect(
            "import with a wrong token",
            403,
            "PERMISSION_DENIED",
            lambda: customers.import_(
                parent=account, body={"cloudIdentityId": RIVAL_IDENTITY, "authToken": "nope"}
            ).execute(),
        )
        customer = customers.import_(
            parent=account,
            body={
                "cloudIdentityId": RIVAL_IDENTITY,
                "authToken": RIVAL_TOKEN,
                "overwriteIfExists": False,
            },
        ).execute()
        check(
            customer["name"].startswith(f"{account}/customers/")
            and customer.get("domain") == RIVAL_DOMAIN
            and customer.get("cloudIdentityId") == RIVAL_IDENTITY,
            f"imported customer: {customer}",
        )
        name = customer["name"]
        steps.note(f"imported as {name}")

        offers = {}
        for sku in sorted(TRANSFERRED_SKUS):
            steps.start(f"list transferable offers of {sku}")
            listed = accounts.listTransferableOffers(
                parent=account, body={"customerName": name, "sku": sku}
            ).execute().get("transferableOffers", [])
            flexible = [
                t["offer"]["name"]
                for t in listed
                if t["offer"].get("plan", {}).get("paymentPlan") == "FLEXIBLE"
            ]
            check(len(flexible) == 1, f"flexible transferable offers of {sku}: {flexible}")
            offers[sku] = flexible[0]
            steps.note(f"chose {flexible[0]}")

        def transfer(skus_named, token):
            return customers.transferEntitlements(
                parent=name,
                body={
                    "entitlements": [
                        {"offer": offers[s], "parameters": seats(RIVAL_SEATS)}
                        for s in skus_named
                    ],
                    "authToken": token,
                    "requestId": str(uuid.uuid4()),
                },
            ).execute()

        base_sku = "products/google-workspace/skus/business-standard"
        steps.start("transfer with a wrong auth token: expect 403 PERMISSION_DENIED")
        expect(
            "transfer with a wrong token",
            403,
            "PERMISSION_DENIED",
            lambda: transfer(sorted(TRANSFERRED_SKUS), "nope"),
        )

        steps.start("transfer the base SKU alone: expect FAILED_PRECONDITION")
        # Refused when asked, or as the operation's outcome: either is the API's way.
        try:
            done = wait(transfer([base_sku], RIVAL_TOKEN), "partial transfer")
        except HttpError as e:
            check(
                e.resp.status == 400 and status_of(e) == "FAILED_PRECONDITION",
                f"partial transfer: expected 400 FAILED_PRECONDITION, got "
                f"{e.resp.status} {status_of(e)}",
            )
            steps.note("refused as expected: 400 FAILED_PRECONDITION")
        else:
            # google.rpc.Code FAILED_PRECONDITION is 9.
            error = done.get("error", {})
            check(error.get("code") == 9, f"partial transfer: expected code 9, got {done}")
            steps.note(f"the operation failed as expected: {error.get('message', '')[:100]}")

        steps.start("transfer every entitlement with the auth token and wait")
        done = wait(transfer(sorted(TRANSFERRED_SKUS), RIVAL_TOKEN), "transfer")
        check("error" not in done, f"transfer failed: {done.get('error')}")
        moved = done["response"].get("entitlements", [])
        check(len(moved) == 2, f"transferred: {moved}")
        mine = customers.entitlements().list(parent=name).execute().get("entitlements", [])
        check(len(mine) == 2, f"the customer has {[e['name'] for e in mine]}")
        left = {t["sku"]["name"] for t in skus(RIVAL_TOKEN)}
        check(not left, f"the other reseller still holds {sorted(left)}")
        steps.note("both entitlements moved; the other reseller holds nothing")
    except HttpError as e:
        body = e.content.decode("utf-8", "replace") if e.content else ""
        raise WorkflowError(f"unexpected HTTP {e.resp.status} for {e.uri}: {body[:500]}") from e


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wire", choices=["grpc", "rest"], required=True)
    parser.add_argument("--endpoint", required=True, help="HOST:PORT of the emulator")
    parser.add_argument("--account", required=True, help="e.g. accounts/C0emulator")
    args = parser.parse_args()

    steps = Steps(args.wire)
    run = run_grpc if args.wire == "grpc" else run_rest
    transfer = transfer_grpc if args.wire == "grpc" else transfer_rest
    started = time.monotonic()
    try:
        run(args.endpoint, args.account, steps)
        transfer(args.endpoint, args.account, steps)
    except WorkflowError as e:
        print(f"[{args.wire}] FAILED at step {steps.count}: {e}", file=sys.stderr, flush=True)
        return 1
    except Exception as e:  # noqa: BLE001 - any other failure is reported the same way
        traceback.print_exc()
        print(
            f"[{args.wire}] FAILED at step {steps.count}: {type(e).__name__}: {e}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    print(
        f"[{args.wire}] workflow passed: {steps.count} steps in "
        f"{time.monotonic() - started:.1f}s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
