"""pkuseg's own segmentation of stdin, the baseline `dipnlp segment` is timed against as a whole process.

    python scripts/pkuseg_segment.py training/segmenter < ../shared/data/sighan2005/pku_test.utf8

Same model (the pipeline's fine-tuned segmenter), same output format (words separated by two
spaces), none of dipnlp: only spacy_pkuseg.
"""

import sys

import spacy_pkuseg

seg = spacy_pkuseg.pkuseg(sys.argv[1], user_dict=None)
for line in sys.stdin:
    sys.stdout.write("  ".join(seg.cut(line.rstrip("\n"))) + "\n")
