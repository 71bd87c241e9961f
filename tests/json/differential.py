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


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("check", "compare"):
        raise SystemExit(__doc__)
    step, descriptors, first, second = sys.argv[1:]
    checker = (check if step == "check" else compare)(descriptors, first, second)
    label = "ours->reference" if step == "check" else "reference->ours"
    print(f"{label}: {checker.passed} passed, {checker.failed} failed", flush=True)
    sys.exit(1 if checker.failed else 0)


if __name__ == "__main__":
    main()
