"""Issue 23, item 5: written answers reach the instructor as data, one file per student per question.

A Markdown renderer that renders raw HTML (mistune, as nbconvert uses it) shows what the instructor's
viewer would: the student's text must come out as text, never as a heading or an element.
"""

from __future__ import annotations

import re

import mistune
import pytest
from hostile import kit  # noqa: E402

from course_lib.grading.autograde import batch
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.reports import outputs

FORGED = ("# Written answers: alice\n\nAlice wrote: I copied everything.\n\n"
          "<img src=x onerror=\"alert('grader')\">\n<script>alert(1)</script>\n"
          "````\n```\nstill inside?\n```\n# Another heading\n[a link](javascript:alert(1))\n")


def _html(markdown: str) -> str:
    return mistune.html(markdown)


def test_the_control_the_renderer_renders_raw_html_and_headings():
    html = _html(FORGED)
    assert "<img src=x onerror" in html and "<h1>Written answers: alice</h1>" in html


@pytest.mark.parametrize("text", [FORGED, "", "no newline at the end", "`" * 12 + " ticks\n" + "~" * 5,
                                  "\r```\r# carriage returns\r<b>bold</b>", "x\0y <img src=x>"])
def test_an_answer_is_shown_as_text_whatever_it_holds(text):
    [(path, markdown)] = outputs.written_answer_files("bob", {"softmax_q1": text})
    assert path == "bob/softmax_q1.md"
    html = _html(markdown)
    assert re.findall(r"<h1>(.*?)</h1>", html) == ["Written answer"]
    assert "<img" not in html and "<script" not in html and "<b>" not in html and "<a " not in html
    body = re.search(r'<pre><code class="language-text">(.*)</code></pre>', html, re.S)
    assert body, html
    shown = body.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    expected = text.replace("\0", "\ufffd")
    assert shown.rstrip("\n") == expected.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    assert html.count("<pre>") == 1


def test_question_ids_from_the_submission_cannot_forge_paths_or_collide():
    files = outputs.written_answer_files("bob", {"../../etc/passwd": "a", "q1": "b", "q1 ": "c", "`q`</h1>": "d"})
    paths = [path for path, _ in files]
    assert paths == ["bob/_.._etc_passwd.md", "bob/q1.md", "bob/q1_.md", "bob/_q_h1_.md"]
    for path, markdown in files:
        question = re.search(r"- question: `(.*)`", markdown).group(1)
        assert path == f"bob/{question}.md"  # the heading shows the file's own (safe) name


def _written_cell(question: str, text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {"course_lib": {"role": "written", "exercise": question}},
            "source": text}


def test_the_batch_writes_one_file_per_student_per_question(tmp_path):
    cells = kit.good_cells() + [_written_cell("why_softmax", FORGED), _written_cell("why_hinge", "Because.")]
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "bob.ipynb").write_bytes(kit.notebook(cells))
    (tmp_path / "subs" / "alice.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    with kit.registered():
        batch.grade_batch([tmp_path / "subs"], tmp_path / "out", Limits(cell_timeout=5, timeout=30), jobs=1,
                          progress=False)
    written = tmp_path / "out" / "written"
    assert sorted(p.relative_to(written).as_posix() for p in written.rglob("*.md")) == [
        "bob/why_hinge.md", "bob/why_softmax.md"]
    html = _html((written / "bob" / "why_softmax.md").read_text())
    assert "<img" not in html and re.findall(r"<h1>(.*?)</h1>", html) == ["Written answer"]
    assert "Written answers: alice" in html  # shown, as text
