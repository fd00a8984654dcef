"""What the instructor reads: the class report (``class_report``, its page ``class_report_html``) and
the table of hints (``hint_table``).

May import: ``exercises`` and ``judging`` (the result model).
"""
