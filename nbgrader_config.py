"""nbgrader configuration: this repository is an nbgrader course whose sources are in modules/.

The working state (release/, submitted/, autograded/, feedback/, gradebook.db) lives in the course
folder: $ACADEMY_COURSE_DIR, or course/ in the repository. `academy` commands build the same
configuration in code (academy.release.nbgrader_config), so plain `nbgrader` commands agree with them.
"""

import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

_root = os.path.dirname(os.path.abspath(__file__))
_course = os.path.abspath(os.environ.get("ACADEMY_COURSE_DIR") or os.path.join(_root, "course"))

c.CourseDirectory.root = _root
c.CourseDirectory.course_id = "global-classroom"
c.CourseDirectory.source_directory = "modules"
c.CourseDirectory.release_directory = os.path.join(_course, "release")
c.CourseDirectory.submitted_directory = os.path.join(_course, "submitted")
c.CourseDirectory.autograded_directory = os.path.join(_course, "autograded")
c.CourseDirectory.feedback_directory = os.path.join(_course, "feedback")
c.CourseDirectory.solution_directory = os.path.join(_course, "solution")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_course, "gradebook.db")
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "module.yml",
                            "wrong_answers.yml", "instructor.md", "*.bak"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
