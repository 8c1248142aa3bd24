"""Pieces a real account depends on but the mock engine cannot show: partition names, the sample
image's writable /tmp, and build tags that follow the build context's contents."""

from __future__ import annotations

import json
import re
from pathlib import Path

from secure_ecs_components.build_context import content_tag, context_digest
from secure_ecs_components.container_definition import SCRATCH_MOUNT_PATH
from secure_ecs_components.encryption import _key_policy
from secure_ecs_components.iam_documents import execution_role_policy
from tests.paths import REPO_ROOT

CHINA = {"account_id": "123456789012", "region": "cn-north-1", "partition": "aws-cn", "dns_suffix": "amazonaws.com.cn"}


def test_log_key_policy_names_the_logs_principal_of_the_partition() -> None:
    policy = json.loads(
        _key_policy(CHINA["account_id"], CHINA["region"], CHINA["partition"], CHINA["dns_suffix"], True)
    )
    (logs,) = [s for s in policy["Statement"] if s["Sid"] == "CloudWatchLogsUsesKey"]
    assert logs["Principal"] == {"Service": "logs.cn-north-1.amazonaws.com.cn"}


def test_secret_decryption_is_scoped_to_the_partitions_service_names() -> None:
    policy = json.loads(
        execution_role_policy(
            repository_arns=["arn:aws-cn:ecr:cn-north-1:123456789012:repository/app"],
            log_group_arn="arn:aws-cn:logs:cn-north-1:123456789012:log-group:app",
            secret_value_froms=["arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf"],
            secret_kms_key_arns=["arn:aws-cn:kms:cn-north-1:123456789012:key/1"],
            region="cn-north-1",
            dns_suffix="amazonaws.com.cn",
        )
    )
    (decrypt,) = [s for s in policy["Statement"] if s["Sid"] == "DecryptReferencedSecrets"]
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == [
        "secretsmanager.cn-north-1.amazonaws.com.cn",
        "ssm.cn-north-1.amazonaws.com.cn",
    ]


def test_sample_image_makes_the_scratch_mount_writable_for_its_non_root_user() -> None:
    # ECS creates the task's bind mount root-owned 0755 unless the image declares the path a VOLUME,
    # in which case it copies the image's directory with its owner and mode.
    lines = [line.strip() for line in (REPO_ROOT / "app" / "Dockerfile").read_text().splitlines()]
    volume = next(i for i, line in enumerate(lines) if line.startswith("VOLUME"))
    assert json.loads(lines[volume].removeprefix("VOLUME")) == [SCRATCH_MOUNT_PATH]
    prepared = [i for i, line in enumerate(lines) if re.search(rf"chmod 1777 {SCRATCH_MOUNT_PATH}\b", line)]
    assert prepared and prepared[0] < volume  # instructions after VOLUME would not reach the volume
    user = next(line for line in lines if line.startswith("USER"))
    assert user.split()[1].split(":")[0] != "0"


def test_context_digest_follows_the_files_docker_receives(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "app.py").write_text("print(1)\n")
    (tmp_path / ".dockerignore").write_text("*.md\ndocs/\n")
    first = context_digest(str(tmp_path))
    (tmp_path / "notes.md").write_text("not sent to Docker\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.txt").write_text("not sent either\n")
    assert context_digest(str(tmp_path)) == first
    (tmp_path / "app.py").write_text("print(2)\n")
    changed = context_digest(str(tmp_path))
    assert changed != first
    assert context_digest(str(tmp_path), platform="linux/arm64") != changed


def test_content_tag_is_a_valid_ecr_tag(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    assert re.fullmatch(r"ctx-[0-9a-f]{24}", content_tag(str(tmp_path)))
