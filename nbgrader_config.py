"""nbgrader configuration: this repository is an nbgrader course whose sources are in modules/.

The working state (release/, submitted/, autograded/, feedback/, gradebook.db) lives in the course
folder: $ACADEMY_COURSE_DIR, or course/ in the repository. The settings are those of
academy.course_core.nbgrader_settings, the same ones `academy` commands use, so plain `nbgrader`
commands agree with them.
"""

import os
from pathlib import Path

from academy.course_core import apply_settings, course_layout, nbgrader_settings

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

apply_settings(c, nbgrader_settings(course_layout(Path(os.path.abspath(__file__)).parent)))
