"""What the instructor reads and exports, from grading results.

- ``outputs``: the files a grading run writes (feedback, grades.csv, Gradescope results), each atomically;
  ``review``: the "What to review" list that ends a student's feedback;
- ``class_summary`` (read, aggregate, tabulate) behind ``class_report`` (the command) and its page
  ``class_report_html``; wrong answers no known mistake explains are grouped there by behaviour, and
  ``draft_mistake`` drafts a bank mistake from such a group;
- ``lms_export``: grades into a Canvas or Moodle gradebook-import file, matched to a roster;
- ``hint_table``: the instructors' table of hints (docs/hints.md).

May import: ``exercises`` and ``judging`` (the result model).
"""
