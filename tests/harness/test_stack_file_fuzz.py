"""Random stack files: each is read, or refused with one StackFileError naming the file."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secure_ecs.offline.stack_files import StackFileError, read_stack_settings

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12))
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        | st.fixed_dictionaries({"secure": st.text(max_size=8)})
    ),
    max_leaves=8,
)
documents = st.one_of(
    st.dictionaries(
        st.sampled_from(["config", "environment", "other"]),
        st.one_of(
            values,
            st.dictionaries(
                st.sampled_from(["aws:region", "size", "demo:net", "secure-ecs:service"]), values, max_size=4
            ),
        ),
    ),
    values,
)
raw_texts = st.text(alphabet=st.sampled_from(list("config: -[]{}'\"\n\t#&*!|>%@`a1")), max_size=60)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents, raw=raw_texts, use_raw=st.booleans())
def test_random_stack_file_is_read_or_cleanly_refused(
    tmp_path_factory: pytest.TempPathFactory, document: object, raw: str, use_raw: bool
) -> None:
    folder = tmp_path_factory.mktemp("stack")
    (folder / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (folder / "Pulumi.dev.yaml").write_text(raw if use_raw else yaml.safe_dump(document))
    try:
        stack = read_stack_settings(folder, "dev")
    except StackFileError as error:
        assert "Pulumi.dev.yaml" in str(error)
        return
    assert all(isinstance(key, str) and ":" in key for key in stack.config)
    assert all(isinstance(value, str) for value in stack.config.values())
