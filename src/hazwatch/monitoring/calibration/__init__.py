"""Detector calibration and bump tests: an uncalibrated O2 detector tells nothing."""
