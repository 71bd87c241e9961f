#!/usr/bin/env node
// A reseller workflow against a Cloud Channel API v1 endpoint over gRPC,
// driven by Google's Node.js client stack, unmodified.
//
//   node workflow.js --endpoint 127.0.0.1:8790 --account accounts/C0emulator
//
// The client is @google-cloud/channel's CloudChannelServiceClient when that
// package is installed. Otherwise it is the same client assembled here from
// the pieces it is generated from: google-gax (stubs, call settings, paging,
// long-running operations, routing headers), @grpc/grpc-js, and the
// published googleapis protos of google-proto-files. Either way the
// connection is insecure and anonymous.
//
// Each step is printed; the first failure stops the run with exit status 1.
'use strict';

const crypto = require('crypto');
const path = require('path');

const SKU_DISPLAY_NAME = 'Google Workspace Business Standard';
const SEATS = 5;
// Every RPC, every wait on an operation and the whole run are bounded.
const CALL_TIMEOUT_MS = 30_000;
const OPERATION_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 240_000;
const PAGE_SIZE = 3;
const TAG = '[node-grpc]';

// gRPC status codes the workflow expects.
const FAILED_PRECONDITION = 9;
const NOT_FOUND = 5;

class WorkflowError extends Error {}

function check(condition, message) {
  if (!condition) throw new WorkflowError(message);
}

const steps = {
  count: 0,
  start(title) {
    this.count += 1;
    console.log(`${TAG} step ${this.count}: ${title}`);
  },
  note(text) {
    console.log(`${TAG}     ${text}`);
  },
};

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (key === '--help' || key === '-h') {
      console.log('usage: node workflow.js --endpoint HOST:PORT --account accounts/ID');
      process.exit(0);
    }
    if (key !== '--endpoint' && key !== '--account') {
      throw new WorkflowError(`unknown argument ${JSON.stringify(key)}`);
    }
    if (i + 1 >= argv.length) throw new WorkflowError(`${key} needs a value`);
    args[key.slice(2)] = argv[++i];
  }
  check(args.endpoint, '--endpoint HOST:PORT is required');
  check(args.account, '--account is required (e.g. accounts/C0emulator)');
  const m = /^(.+):(\d+)$/.exec(args.endpoint);
  check(m, `--endpoint must be HOST:PORT, got ${JSON.stringify(args.endpoint)}`);
  args.host = m[1].replace(/^\[(.*)\]$/, '$1');
  args.port = Number(m[2]);
  return args;
}

const newDomain = () => `interop-${crypto.randomBytes(6).toString('hex')}.example.com`;
const newId = () => crypto.randomUUID();

// ---------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------

const gax = require('google-gax');
const grpc = require('@grpc/grpc-js');

const SERVICE = 'google.cloud.channel.v1.CloudChannelService';

// Methods this workflow calls, with the request field that routes each one
// (sent as x-goog-request-params, as the generated client does).
const METHODS = {
  listOffers: 'parent',
  checkCloudIdentityAccountsExist: 'parent',
  createCustomer: 'parent',
  getCustomer: 'name',
  deleteCustomer: 'name',
  provisionCloudIdentity: 'customer',
  listEntitlements: 'parent',
  getEntitlement: 'name',
  createEntitlement: 'parent',
  suspendEntitlement: 'name',
  transferEntitlementsToGoogle: 'parent',
};

// Long-running methods: the message types of their response and metadata.
const LONG_RUNNING = {
  provisionCloudIdentity: 'google.cloud.channel.v1.Customer',
  createEntitlement: 'google.cloud.channel.v1.Entitlement',
  suspendEntitlement: 'google.cloud.channel.v1.Entitlement',
  transferEntitlementsToGoogle: 'google.protobuf.Empty',
};

// Paged methods: request token, response token, resource field.
const PAGED = {
  listOffers: ['pageToken', 'nextPageToken', 'offers'],
  listEntitlements: ['pageToken', 'nextPageToken', 'entitlements'],
};

function protoRoot() {
  // The googleapis protos as published, not the emulator's own copy.
  const protoDir = path.dirname(require.resolve('google-proto-files/package.json'));
  const root = new gax.protobuf.Root();
  root.resolvePath = (_origin, target) =>
    path.isAbsolute(target) ? target : path.join(protoDir, target);
  root.loadSync('google/cloud/channel/v1/service.proto', {keepCase: false});
  root.resolveAll();
  return {protoDir, root};
}

// A CloudChannelServiceClient put together the way the generated one is:
// a gax GrpcClient, a stub of the service, call settings from a client
// config, page and long-running descriptors, and createApiCall per method.
class AssembledCloudChannelServiceClient {
  constructor(opts) {
    const servicePath = opts.servicePath || opts.apiEndpoint;
    this._opts = Object.assign({}, opts, {servicePath, port: opts.port});
    this._gaxGrpc = new gax.GrpcClient(this._opts);
    const {protoDir, root} = protoRoot();
    this._root = root;
    this._protos = this._gaxGrpc.loadProto(protoDir, 'google/cloud/channel/v1/service.proto');

    const operationsClient = gax
      .lro({auth: this._gaxGrpc.auth, grpc: this._gaxGrpc.grpc})
      .operationsClient(this._opts);
    this._operationsClient = operationsClient;
    const decoder = name => {
      const type = root.lookupType(name);
      return type.decode.bind(type);
    };
    this._descriptors = {};
    for (const [method, [req, res, field]] of Object.entries(PAGED)) {
      this._descriptors[method] = new gax.PageDescriptor(req, res, field);
    }
    for (const [method, response] of Object.entries(LONG_RUNNING)) {
      this._descriptors[method] = new gax.LongrunningDescriptor(
        operationsClient,
        decoder(response),
        decoder('google.cloud.channel.v1.OperationMetadata'),
      );
    }

    // No retries: a refused call must surface as it was refused.
    const methods = {};
    for (const method of Object.keys(METHODS)) {
      const rpc = method[0].toUpperCase() + method.slice(1);
      methods[rpc] = {timeout_millis: CALL_TIMEOUT_MS, retry_codes_name: 'none', retry_params_name: 'default'};
    }
    const clientConfig = {
      interfaces: {
        [SERVICE]: {
          retry_codes: {none: []},
          retry_params: {
            default: {
              initial_retry_delay_millis: 100,
              retry_delay_multiplier: 1.3,
              max_retry_delay_millis: 1000,
              initial_rpc_timeout_millis: CALL_TIMEOUT_MS,
              rpc_timeout_multiplier: 1.0,
              max_rpc_timeout_millis: CALL_TIMEOUT_MS,
              total_timeout_millis: CALL_TIMEOUT_MS,
            },
          },
          methods,
        },
      },
    };
    const clientHeader = [`gl-node/${process.versions.node}`, `grpc/${this._gaxGrpc.grpcVersion}`, `gax/${gax.version}`];
    this._defaults = this._gaxGrpc.constructSettings(SERVICE, clientConfig, {}, {
      'x-goog-api-client': clientHeader.join(' '),
    });

    this._stub = this._gaxGrpc.createStub(this._protos.google.cloud.channel.v1.CloudChannelService, this._opts);
    this._calls = {};
    for (const method of Object.keys(METHODS)) {
      const callPromise = this._stub.then(stub => (...args) => stub[method].apply(stub, args));
      this._calls[method] = gax.createApiCall(callPromise, this._defaults[method], this._descriptors[method]);
      this[method] = (request, options) => this._call(method, request || {}, options);
    }
  }

  _call(method, request, options) {
    options = Object.assign({}, options);
    options.otherArgs = Object.assign({}, options.otherArgs);
    options.otherArgs.headers = Object.assign({}, options.otherArgs.headers);
    const field = METHODS[method];
    options.otherArgs.headers['x-goog-request-params'] = gax.routingHeader.fromParams({
      [field]: request[field] ?? '',
    });
    return this._calls[method](request, options);
  }

  async close() {
    const stub = await this._stub;
    stub.close();
    await this._operationsClient.close();
  }
}

function clientClass() {
  try {
    return {cls: require('@google-cloud/channel').v1.CloudChannelServiceClient, name: '@google-cloud/channel'};
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    return {cls: AssembledCloudChannelServiceClient, name: 'google-gax + google-proto-files'};
  }
}

// ---------------------------------------------------------------------------
// The workflow
// ---------------------------------------------------------------------------

function describe(e) {
  if (e && typeof e.code === 'number') {
    const name = Object.keys(grpc.status).find(k => grpc.status[k] === e.code) || '?';
    return `gRPC ${e.code} ${name}: ${e.details || e.message}`;
  }
  return String(e && e.stack ? e.stack : e);
}

// Fails the step with a clear message if p takes longer than ms.
function bounded(p, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new WorkflowError(`${what}: no answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

async function run({host, port, account}) {
  const {cls: Client, name: clientName} = clientClass();
  console.log(`${TAG} client: ${clientName} (google-gax ${gax.version}, grpc-js ${require('@grpc/grpc-js/package.json').version})`);
  // No credentials are looked for: the auth object knows its universe, and
  // the channel credentials are given.
  const auth = new gax.GoogleAuth({universeDomain: 'googleapis.com'});
  const client = new Client({
    servicePath: host,
    apiEndpoint: host,
    port,
    sslCreds: grpc.credentials.createInsecure(),
    auth,
  });
  const root = client._root || protoRoot().root;
  const enumValue = (enumName, key) => root.lookupEnum(enumName).values[key];
  const callOpts = {timeout: CALL_TIMEOUT_MS};
  // Polling of operations: quick, and given up after OPERATION_TIMEOUT_MS.
  const lroOpts = {
    timeout: CALL_TIMEOUT_MS,
    longrunning: gax.createBackoffSettings(50, 1.5, 1000, null, null, null, OPERATION_TIMEOUT_MS),
  };

  const call = async (what, p) => {
    try {
      return await bounded(p, CALL_TIMEOUT_MS + 5_000, what);
    } catch (e) {
      if (e instanceof WorkflowError) throw e;
      throw new WorkflowError(`${what}: ${describe(e)}`);
    }
  };

  // Starts a long-running call and waits for its result.
  const operation = async (what, p) => {
    const [op] = await call(what, p);
    check(op && typeof op.promise === 'function', `${what}: the call did not give an operation`);
    check(/^operations\//.test(op.name || ''), `${what}: operation name ${JSON.stringify(op.name)}`);
    steps.note(`operation ${op.name}`);
    try {
      const [result, metadata, raw] = await bounded(op.promise(), OPERATION_TIMEOUT_MS + 5_000, what);
      check(raw && raw.done, `${what}: the operation is not done: ${JSON.stringify(raw)}`);
      return {result, metadata, raw};
    } catch (e) {
      if (e instanceof WorkflowError) throw e;
      throw new WorkflowError(`${what}: the operation failed: ${describe(e)}`);
    }
  };

  // Expects a call to be refused with the given gRPC code.
  const refused = async (what, code, p) => {
    let answer;
    try {
      answer = await bounded(p, CALL_TIMEOUT_MS + 5_000, what);
    } catch (e) {
      if (e instanceof WorkflowError) throw e;
      check(e.code === code, `${what}: expected gRPC code ${code}, got ${describe(e)}`);
      return e;
    }
    throw new WorkflowError(`${what}: expected gRPC code ${code}, it succeeded: ${JSON.stringify(answer && answer[0])}`);
  };

  try {
    // 1. Offers, every page; pick the annual commitment plan of the SKU.
    steps.start(`list offers of ${account} (page size ${PAGE_SIZE}, all pages)`);
    const offers = [];
    let pages = 0;
    let request = {parent: account, pageSize: PAGE_SIZE};
    while (request) {
      const [page, next] = await call(
        'list offers',
        client.listOffers(request, {...callOpts, autoPaginate: false}),
      );
      pages += 1;
      check(page.length <= PAGE_SIZE, `list offers: a page of ${page.length} offers for page size ${PAGE_SIZE}`);
      offers.push(...page);
      check(pages <= 1000, 'list offers: more than 1000 pages; the page tokens loop');
      request = next;
    }
    steps.note(`${offers.length} offers in ${pages} pages`);
    check(offers.length > 0, 'list offers: no offers at all');
    const names = offers.map(o => o.name);
    check(new Set(names).size === names.length, 'list offers: an offer came twice across pages');
    // The client's own paging (at the server's page size) sees the same offers.
    const [all] = await call('list offers (auto-paginated)', client.listOffers({parent: account}, callOpts));
    check(
      JSON.stringify(all.map(o => o.name)) === JSON.stringify(names),
      `list offers: auto-pagination gave ${all.length} offers, page by page gave ${names.length}`,
    );
    const chosen = offers.filter(
      o => o.sku?.marketingInfo?.displayName === SKU_DISPLAY_NAME && o.plan?.paymentPlan === 'COMMITMENT',
    );
    check(
      chosen.length === 1,
      `list offers: expected one COMMITMENT offer of ${JSON.stringify(SKU_DISPLAY_NAME)}, found ${JSON.stringify(chosen.map(o => o.name))}`,
    );
    const offer = chosen[0];
    steps.note(`chose ${offer.name} (SKU ${offer.sku.name})`);
    const units = (offer.parameterDefinitions || []).filter(p => p.name === 'num_units');
    check(units.length === 1, `${offer.name} has no num_units parameter definition`);
    check(units[0].parameterType === 'INT64', `num_units has type ${units[0].parameterType}, expected INT64`);
    // int64 arrives as a decimal string with this client's loader options.
    const low = Number(units[0].minValue?.int64Value);
    const high = Number(units[0].maxValue?.int64Value);
    steps.note(`num_units may be ${low}..${high}`);
    check(low <= SEATS && SEATS <= high, `${SEATS} seats is outside ${low}..${high}`);

    // 2. The domain is new: no Cloud Identity account has it.
    const domain = newDomain();
    steps.start(`check Cloud Identity accounts for ${domain}`);
    const [exists] = await call(
      'check Cloud Identity accounts',
      client.checkCloudIdentityAccountsExist({parent: account, domain}, callOpts),
    );
    check(
      (exists.cloudIdentityAccounts || []).length === 0,
      `a new domain already has accounts: ${JSON.stringify(exists.cloudIdentityAccounts)}`,
    );
    steps.note('none exist');

    // 3. The customer.
    steps.start(`create customer for ${domain}`);
    const [customer] = await call(
      'create customer',
      client.createCustomer(
        {
          parent: account,
          customer: {
            orgDisplayName: `Interop ${domain}`,
            orgPostalAddress: {
              regionCode: 'US',
              postalCode: '94043',
              addressLines: ['1600 Amphitheatre Parkway'],
              locality: 'Mountain View',
              administrativeArea: 'CA',
            },
            domain,
            primaryContactInfo: {firstName: 'Ada', lastName: 'Lovelace', email: `ada@${domain}`},
            languageCode: 'en-US',
          },
        },
        callOpts,
      ),
    );
    check(
      customer.name.startsWith(`${account}/customers/`),
      `create customer: unexpected name ${JSON.stringify(customer.name)}`,
    );
    check(customer.domain === domain, `create customer: domain ${JSON.stringify(customer.domain)}`);
    check(
      customer.orgPostalAddress?.regionCode === 'US' && customer.orgPostalAddress?.postalCode === '94043',
      `create customer: postal address ${JSON.stringify(customer.orgPostalAddress)}`,
    );
    check(
      customer.primaryContactInfo?.email === `ada@${domain}`,
      `create customer: contact ${JSON.stringify(customer.primaryContactInfo)}`,
    );
    check(!customer.cloudIdentityId, 'a new customer already has a Cloud Identity');
    steps.note(`created ${customer.name}`);

    // 4. Cloud Identity.
    steps.start(`provision Cloud Identity for admin@${domain} and wait`);
    const provision = await operation(
      'provision Cloud Identity',
      client.provisionCloudIdentity(
        {
          customer: customer.name,
          cloudIdentityInfo: {
            alternateEmail: `ada@${domain.replace('.example.com', '.example.org')}`,
            languageCode: 'en-US',
          },
          user: {email: `admin@${domain}`, givenName: 'Ada', familyName: 'Lovelace'},
        },
        lroOpts,
      ),
    );
    const provisioned = provision.result;
    check(provisioned && provisioned.name === customer.name, `provisioned ${JSON.stringify(provisioned)}`);
    check(provisioned.cloudIdentityId, 'provisioned customer has no cloudIdentityId');
    check(
      provision.metadata &&
        provision.metadata.operationType ===
          enumValue('google.cloud.channel.v1.OperationMetadata.OperationType', 'PROVISION_CLOUD_IDENTITY'),
      `provision Cloud Identity: metadata ${JSON.stringify(provision.metadata)}`,
    );
    steps.note(`cloud identity ${provisioned.cloudIdentityId}`);
    const [again] = await call(
      'check Cloud Identity accounts again',
      client.checkCloudIdentityAccountsExist({parent: account, domain}, callOpts),
    );
    const found = again.cloudIdentityAccounts || [];
    check(
      found.length === 1 && found[0].owned === true && found[0].customerName === customer.name,
      `after provisioning, the domain's accounts are ${JSON.stringify(found)}`,
    );
    steps.note('the domain now has one account, owned by this reseller');

    // 5. The entitlement.
    steps.start(`create entitlement of ${offer.name} with ${SEATS} seats and wait`);
    const created = await operation(
      'create entitlement',
      client.createEntitlement(
        {
          parent: customer.name,
          entitlement: {
            offer: offer.name,
            parameters: [{name: 'num_units', value: {int64Value: SEATS}}],
            commitmentSettings: {
              renewalSettings: {
                enableRenewal: true,
                paymentPlan: 'COMMITMENT',
                paymentCycle: {duration: 1, periodType: 'YEAR'},
              },
            },
            purchaseOrderId: `po-${crypto.randomBytes(4).toString('hex')}`,
          },
          requestId: newId(),
        },
        lroOpts,
      ),
    );
    const entName = created.result?.name || '';
    check(
      entName.startsWith(`${customer.name}/entitlements/`),
      `create entitlement: unexpected name ${JSON.stringify(entName)}`,
    );
    check(
      created.metadata?.operationType ===
        enumValue('google.cloud.channel.v1.OperationMetadata.OperationType', 'CREATE_ENTITLEMENT'),
      `create entitlement: metadata ${JSON.stringify(created.metadata)}`,
    );
    const [entitlement] = await call('get entitlement', client.getEntitlement({name: entName}, callOpts));
    check(
      entitlement.provisioningState === 'ACTIVE',
      `new entitlement is ${entitlement.provisioningState}, expected ACTIVE`,
    );
    check(entitlement.offer === offer.name, `entitlement offer ${JSON.stringify(entitlement.offer)}`);
    const seats = (entitlement.parameters || []).filter(p => p.name === 'num_units').map(p => p.value?.int64Value);
    check(
      JSON.stringify(seats) === JSON.stringify([String(SEATS)]),
      `entitlement num_units is ${JSON.stringify(seats)}, expected ["${SEATS}"]`,
    );
    const renewal = entitlement.commitmentSettings?.renewalSettings || {};
    check(
      renewal.enableRenewal === true &&
        renewal.paymentPlan === 'COMMITMENT' &&
        renewal.paymentCycle?.duration === 1 &&
        renewal.paymentCycle?.periodType === 'YEAR',
      `entitlement renewal settings are ${JSON.stringify(renewal)}`,
    );
    steps.note(`${entName} is ACTIVE with ${SEATS} seats, renews yearly`);

    // 6. Suspend.
    steps.start('suspend the entitlement and wait');
    const suspended = (await operation('suspend entitlement', client.suspendEntitlement({name: entName}, lroOpts))).result;
    // Operation results are decoded protobuf messages: enums are numbers.
    check(
      suspended?.provisioningState ===
        enumValue('google.cloud.channel.v1.Entitlement.ProvisioningState', 'SUSPENDED'),
      `after suspend the entitlement is ${JSON.stringify(suspended?.provisioningState)}`,
    );
    check(
      (suspended.suspensionReasons || []).includes(
        enumValue('google.cloud.channel.v1.Entitlement.SuspensionReason', 'RESELLER_INITIATED'),
      ),
      `suspension reasons are ${JSON.stringify(suspended.suspensionReasons)}`,
    );
    steps.note('SUSPENDED (reseller initiated)');

    // 7. Suspending twice is refused.
    steps.start('suspend it again: expect FAILED_PRECONDITION (9)');
    const again2 = await refused('second suspend', FAILED_PRECONDITION, client.suspendEntitlement({name: entName}, lroOpts));
    steps.note(`refused as expected: ${describe(again2)}`);

    // 8. Hand the entitlement over to Google.
    steps.start('transfer the entitlement to Google and wait');
    const [current] = await call('get entitlement after suspend', client.getEntitlement({name: entName}, callOpts));
    check(
      current.provisioningState === 'SUSPENDED',
      `get entitlement after suspend: ${current.provisioningState}`,
    );
    const transfer = await operation(
      'transfer entitlements to Google',
      client.transferEntitlementsToGoogle(
        {parent: customer.name, entitlements: [current], requestId: newId()},
        lroOpts,
      ),
    );
    check(
      (transfer.raw.response?.typeUrl ?? transfer.raw.response?.type_url) === 'type.googleapis.com/google.protobuf.Empty',
      `transfer to Google: response ${JSON.stringify(transfer.raw.response)}`,
    );
    const [left] = await call('list entitlements', client.listEntitlements({parent: customer.name}, callOpts));
    check(left.length === 0, `after the transfer the customer still has ${JSON.stringify(left.map(e => e.name))}`);
    steps.note('the customer has no entitlements left');

    // 9. Delete the customer.
    steps.start(`delete ${customer.name}`);
    await call('delete customer', client.deleteCustomer({name: customer.name}, callOpts));
    const gone = await refused('get deleted customer', NOT_FOUND, client.getCustomer({name: customer.name}, callOpts));
    steps.note(`get customer now answers ${describe(gone)}`);
  } finally {
    await bounded(client.close(), 5_000, 'closing the client').catch(() => {});
  }
}

async function main() {
  const started = Date.now();
  const watchdog = setTimeout(() => {
    console.error(`${TAG} FAILED at step ${steps.count}: the run took longer than ${RUN_TIMEOUT_MS / 1000}s`);
    process.exit(1);
  }, RUN_TIMEOUT_MS);
  watchdog.unref();
  try {
    await run(parseArgs(process.argv.slice(2)));
  } catch (e) {
    if (!(e instanceof WorkflowError)) console.error(e && e.stack ? e.stack : e);
    console.error(`${TAG} FAILED at step ${steps.count}: ${e instanceof WorkflowError ? e.message : describe(e)}`);
    process.exit(1);
  }
  console.log(`${TAG} workflow passed: ${steps.count} steps in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  process.exit(0);
}

main();
