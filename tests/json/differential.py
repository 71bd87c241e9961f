"""The reference half of the proto3 JSON differential test (see run.sh).

    python differential.py check <descriptors.bin> <ours.jsonl> <reference.jsonl>
    python differential.py compare <descriptors.bin> <reference.jsonl> <read.jsonl>

`check` reads each value our writer produced (a): the JSON must parse with
json_format into the same message as the binary encoding beside it. It then
writes each value with json_format (b), varying the options (enum numbers,
proto field names) by seed, for our reader.

`compare` takes what our reader made of those texts: the binary encoding
must be the same message. Messages are compared by their deterministic
encoding, so map order does not matter and NaN equals itself.

    python differential.py edges <descriptors.bin> <edges.jsonl> -
    python differential.py verdicts <descriptors.bin> <edges.jsonl> <read.jsonl>

`edges` writes the hand-written edge texts of EDGES with the reference's
verdict (the message it reads, or its refusal); `verdicts` compares ours,
read strictly as the emulator reads a request: both must refuse, or both
read the same message. A known difference (KNOWN) is printed, not failed.

Each failure prints the message type, the value's seed and both JSON texts.
"""

import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf import struct_pb2, wrappers_pb2

MAX_PRINTED = 20


def load_pool(path):
    pool = descriptor_pool.DescriptorPool()
    files = descriptor_pb2.FileDescriptorSet.FromString(open(path, "rb").read())
    for file in files.file:
        pool.Add(file)
    # The well-known types an Any may hold that the schema does not import.
    for module in (struct_pb2, wrappers_pb2):
        try:
            pool.FindFileByName(module.DESCRIPTOR.name)
        except KeyError:
            pool.AddSerializedFile(module.DESCRIPTOR.serialized_pb)
    return pool


def repeated(field):
    flag = getattr(field, "is_repeated", None)
    if flag is not None:
        return flag
    return field.label == field.LABEL_REPEATED


class Checker:
    def __init__(self, pool):
        self.pool = pool
        self.classes = {}
        self.passed = 0
        self.failed = 0

    def cls(self, name):
        if name not in self.classes:
            self.classes[name] = message_factory.GetMessageClass(
                self.pool.FindMessageTypeByName(name)
            )
        return self.classes[name]

    def canonical(self, message):
        copy = type(message)()
        copy.CopyFrom(message)
        self.normalize(copy)
        return copy.SerializeToString(deterministic=True)

    def normalize(self, message):
        """Re-encodes every Any's payload deterministically, in place: the
        payload is opaque bytes to the outer encoding, so map order inside
        it would otherwise count as a difference."""
        for field, value in message.ListFields():
            if field.message_type is None:
                continue
            if field.message_type.GetOptions().map_entry:
                if field.message_type.fields_by_name["value"].message_type is not None:
                    for item in value.values():
                        self.normalize(item)
            elif repeated(field):
                for item in value:
                    self.normalize(item)
            else:
                self.normalize(value)
        if message.DESCRIPTOR.full_name == "google.protobuf.Any" and message.type_url:
            inner = self.cls(message.type_url.rsplit("/", 1)[-1]).FromString(message.value)
            self.normalize(inner)
            message.value = inner.SerializeToString(deterministic=True)

    def to_json(self, message, **options):
        return json_format.MessageToJson(
            message, indent=None, descriptor_pool=self.pool, **options
        )

    def fail(self, what, record, ours, theirs):
        self.failed += 1
        if self.failed <= MAX_PRINTED:
            print(
                f"FAIL ({what}) type={record['type']} seed={record['seed']}\n"
                f"  ours:      {ours}\n"
                f"  reference: {theirs}",
                flush=True,
            )


def check(descriptors, ours_path, out_path):
    checker = Checker(load_pool(descriptors))
    with open(ours_path) as ours, open(out_path, "w") as out:
        for line in ours:
            record = json.loads(line)
            cls = checker.cls(record["type"])
            expected = cls.FromString(bytes.fromhex(record["binary"]))
            try:
                reference = checker.to_json(expected)
            except Exception as e:  # a value the reference cannot write
                reference = f"<json_format cannot write it: {e}>"
            if "error" in record:
                checker.fail("our writer failed: " + record["error"], record, "-", reference)
                continue
            try:
                parsed = json_format.Parse(
                    record["json"], cls(), descriptor_pool=checker.pool
                )
                if checker.canonical(parsed) == checker.canonical(expected):
                    checker.passed += 1
                else:
                    checker.fail("our JSON means another message", record, record["json"], reference)
            except Exception as e:
                checker.fail(f"the reference refuses our JSON: {e}", record, record["json"], reference)
            if reference.startswith("<"):
                continue
            seed = int(record["seed"])
            options = {
                "use_integers_for_enums": seed % 3 == 0,
                "preserving_proto_field_name": seed % 5 == 0,
            }
            text = checker.to_json(expected, **options)
            out.write(
                json.dumps(
                    {
                        "type": record["type"],
                        "seed": record["seed"],
                        "binary": record["binary"],
                        "json": text,
                        "ours": record["json"],
                    }
                )
                + "\n"
            )
    return checker


def compare(descriptors, reference_path, read_path):
    checker = Checker(load_pool(descriptors))
    with open(reference_path) as reference, open(read_path) as read:
        for theirs_line, ours_line in zip(reference, read):
            record = json.loads(theirs_line)
            result = json.loads(ours_line)
            if (record["type"], record["seed"]) != (result["type"], result["seed"]):
                raise SystemExit("the two files are out of step")
            cls = checker.cls(record["type"])
            if "error" in result:
                checker.fail(
                    "our reader refuses the reference's JSON: " + result["error"],
                    record,
                    record["ours"],
                    record["json"],
                )
                continue
            expected = cls.FromString(bytes.fromhex(record["binary"]))
            got = cls.FromString(bytes.fromhex(result["binary"]))
            if checker.canonical(got) == checker.canonical(expected):
                checker.passed += 1
            else:
                checker.fail(
                    "our reader makes another message of the reference's JSON",
                    record,
                    checker.to_json(got),
                    record["json"],
                )
    return checker


CUSTOMER = "google.cloud.channel.v1.Customer"
VALUE = "google.cloud.channel.v1.Value"


def any_of(type_name, value):
    return json.dumps(
        {"protoValue": {"@type": f"type.googleapis.com/google.protobuf.{type_name}", "value": value}}
    )


def nested_list(depth):
    inner = "[" * depth + "]" * depth
    return (
        '{"protoValue": {"@type": "type.googleapis.com/google.protobuf.ListValue", "value": '
        + inner
        + "}}"
    )


# Texts at the edges of the mapping, each read by both sides strictly.
EDGES = [
    (CUSTOMER, '{"domain": "a", "domain": "b"}'),
    (CUSTOMER, '{"domain": "a", "domain": null}'),
    (CUSTOMER, '{"orgDisplayName": "a", "org_display_name": "b"}'),
    (CUSTOMER, '{"createTime": "2026-01-01t00:00:00Z"}'),
    (CUSTOMER, '{"createTime": "2026-01-01T00:00:00z"}'),
    (CUSTOMER, '{"createTime": "2026-01-01T00:00:00+01:00"}'),
    (CUSTOMER, '{"createTime": "2026-01-01T00:00:00-00:00"}'),
    (CUSTOMER, '{"createTime": "2026-01-01T00:00:00.123456789Z"}'),
    (CUSTOMER, '{"createTime": "2026-01-01T00:00:00.1234567891Z"}'),
    (CUSTOMER, '{"createTime": "2026-01-01T00:00:00+0100"}'),
    (CUSTOMER, '{"createTime": "0001-01-01T00:00:00Z"}'),
    (CUSTOMER, '{"createTime": "2026-02-30T00:00:00Z"}'),
    (CUSTOMER, '{"createTime": 1}'),
    (CUSTOMER, '{"orgPostalAddress": {"addressLines": ["a", null]}}'),
    (CUSTOMER, '{"orgPostalAddress": {"addressLines": null}}'),
    (CUSTOMER, '{"orgPostalAddress": {"addressLines": "a"}}'),
    (CUSTOMER, '{"orgDisplayName": 1}'),
    (CUSTOMER, '{"customerAttestationState": "99"}'),
    (CUSTOMER, '{"customerAttestationState": 99}'),
    (CUSTOMER, '{"customerAttestationState": 1.0}'),
    (CUSTOMER, '{"customerAttestationState": "exempt"}'),
    (CUSTOMER, '{"customerAttestationState": true}'),
] + [
    (CUSTOMER, '{"orgPostalAddress": {"revision": %s}}' % n)
    for n in [
        '"1e1"', '"-0"', "-0.0", "-0", '"0x10"', '"+5"', '" 5"', '"5 "', '"00012"',
        "1e400", "2147483648", "-2147483649", '"1.5"', "1.5", '""', '"Infinity"',
    ]
] + [
    (VALUE, '{"int64Value": "9223372036854775808"}'),
    (VALUE, '{"int64Value": "-9223372036854775808"}'),
    (VALUE, '{"int64Value": 1e19}'),
    (VALUE, '{"doubleValue": "-Infinity"}'),
    (VALUE, '{"doubleValue": "nan"}'),
    (VALUE, '{"doubleValue": 1e400}'),
    (VALUE, '{"int64Value": 1, "stringValue": "x"}'),
    (VALUE, '{"int64Value": null, "stringValue": "x"}'),
    (VALUE, '{"protoValue": {"value": 1}}'),
    (VALUE, '{"protoValue": {"@type": "type.googleapis.com/google.protobuf.Int32Value", "value": 1, "x": 2}}'),
    (VALUE, '{"protoValue": {"@type": "type.googleapis.com/no.Such", "value": 1}}'),
    (VALUE, '{"protoValue": {"@type": "type.googleapis.com/google.protobuf.Int32Value"}}'),
] + [
    (VALUE, any_of("BytesValue", b))
    for b in ["YWJj", "YWI=", "YWI", "-_8=", "-_8", "+/8=", "YW Jj", "Y", "YQ="]
] + [
    (VALUE, any_of("Duration", d))
    for d in ["1.5s", "-0.5s", "1s ", "315576000001s", "1.0000000001s", "5.s", "+1s", "01s", ".5s", "1e3s", "1S"]
] + [
    (VALUE, any_of("FieldMask", m))
    for m in ["fooBar,baz.quxQuux", "foo_bar", "", "FooBar"]
] + [
    (VALUE, nested_list(n)) for n in [10, 90, 120]
] + [
    ("google.rpc.ErrorInfo", t)
    for t in [
        '{"metadata": null}',
        '{"metadata": {"a": null}}',
        '{"metadata": {"a": 1}}',
        '{"metadata": {"a": "x", "a": "y"}}',
        '{"metadata": {"a": "x", "b": "y"}, "reason": null}',
    ]
] + [
    ("google.longrunning.Operation", t)
    for t in [
        '{"metadata": null, "done": null}',
        '{"response": {"@type": "type.googleapis.com/google.protobuf.Empty"}}',
        '{"response": {"@type": "type.googleapis.com/google.protobuf.Empty", "value": {}}}',
        '{"error": {"code": 3, "details": [null]}}',
    ]
] + [
    (VALUE, any_of("Struct", {"a": None, "b": [None, 1.5, "x", {"c": True}]})),
    (VALUE, any_of("Value", None)),
    (VALUE, any_of("Int32Value", None)),
    (VALUE, any_of("Int32Value", "1e1")),
    (VALUE, any_of("Int64Value", "-0")),
    (VALUE, any_of("UInt64Value", "-1")),
    (VALUE, any_of("BoolValue", "true")),
    (VALUE, any_of("Timestamp", "2026-01-01t00:00:00Z")),
    (VALUE, '{"protoValue": null}'),
]

# Edges where our strict reader differs from json_format on purpose, by text.
KNOWN = {
    '{"orgDisplayName": "a", "org_display_name": "b"}':
        "a field set twice under its two names is refused (json_format keeps the last)",
    any_of("BytesValue", "YW Jj"):
        "base64 with a space is refused (json_format skips it)",
    any_of("Duration", "1.0000000001s"):
        "more than 9 fractional digits are refused (json_format drops the tenth)",
    any_of("Duration", "5.s"): "a point without digits is refused",
    any_of("Duration", "+1s"): "a plus sign is refused",
    '{"customerAttestationState": true}':
        "true is not an enum number (json_format takes Python's True for 1)",
    nested_list(90):
        "depth counts JSON levels (100), json_format counts messages (100)",
}


def edges(descriptors, out_path):
    checker = Checker(load_pool(descriptors))
    with open(out_path, "w") as out:
        for index, (type_name, text) in enumerate(EDGES):
            record = {"type": type_name, "seed": f"edge-{index}", "json": text}
            try:
                message = json_format.Parse(text, checker.cls(type_name)(), descriptor_pool=checker.pool)
                record["binary"] = checker.canonical(message).hex()
            except Exception as e:
                record["refused"] = str(e)
            out.write(json.dumps(record) + "\n")
    return checker


def verdicts(descriptors, edges_path, read_path):
    checker = Checker(load_pool(descriptors))
    with open(edges_path) as reference, open(read_path) as read:
        for theirs_line, ours_line in zip(reference, read):
            record = json.loads(theirs_line)
            result = json.loads(ours_line)
            ours = result.get("error")
            if ours is None:
                try:
                    got = checker.cls(record["type"]).FromString(bytes.fromhex(result["binary"]))
                    ours = "reads " + checker.canonical(got).hex()
                except Exception as e:  # nested deeper than the reference decodes
                    ours = f"reads a message the reference cannot decode: {e}"
            theirs = record.get("refused")
            theirs = "reads " + record["binary"] if theirs is None else theirs
            same = ours == theirs or (
                not ours.startswith("reads ") and not theirs.startswith("reads ")
            )
            if same:
                checker.passed += 1
            elif record["json"] in KNOWN:
                checker.passed += 1
                print(f"known: {record['json']}: {KNOWN[record['json']]}", flush=True)
            else:
                record["ours"] = record["json"]
                checker.fail("our strict reader and json_format disagree", record, ours, theirs)
    return checker


def main():
    steps = {"check": check, "compare": compare, "edges": edges, "verdicts": verdicts}
    if len(sys.argv) != 5 or sys.argv[1] not in steps:
        raise SystemExit(__doc__)
    step, descriptors, first, second = sys.argv[1:]
    if step == "edges":
        checker = edges(descriptors, first)
        print(f"edges: {len(EDGES)} written", flush=True)
        sys.exit(0)
    checker = steps[step](descriptors, first, second)
    label = {"check": "ours->reference", "compare": "reference->ours", "verdicts": "edges"}[step]
    print(f"{label}: {checker.passed} passed, {checker.failed} failed", flush=True)
    sys.exit(1 if checker.failed else 0)


if __name__ == "__main__":
    main()
