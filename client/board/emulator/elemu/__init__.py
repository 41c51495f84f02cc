"""Emulated Jetson boards for Energy Lens tests and the demo (runs on the host, never on a board).

Modules: profiles (what each board is), layout (its sysfs/procfs/etc tree), sensor (the INA3221 that
updates the rail files), activity (the timeline the emulated Caffe writes and the sensor reads), network
(layer list from the project's analysis CLI, with Caffe's Split layers), cost (the hidden ground truth),
truth (the report only tests read), pynet (emulated pycaffe), caffe_tool (the `caffe` command).
"""
