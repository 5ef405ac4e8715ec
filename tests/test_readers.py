import spacy

from pipeline.readers import create_corpus_reader

from .conftest import CORPUS


def test_the_reader_makes_its_examples_once_per_segmenter(tiny_model, assets_dir, monkeypatch):
    nlp = spacy.load(tiny_model)
    read = create_corpus_reader(str(CORPUS), "dev", msra_path=str(assets_dir / "msra/msra_train.txt"), msra_limit=20)
    calls = []
    segment = nlp.tokenizer.tokenize_clean
    monkeypatch.setattr(nlp.tokenizer, "tokenize_clean", lambda text: calls.append(text) or segment(text))

    def summary():
        return [([t.text for t in eg.predicted], [(e.start, e.end, e.label_) for e in eg.reference.ents],
                 [t.ent_iob_ for t in eg.reference]) for eg in read(nlp)]

    first = summary()
    assert len(calls) == len(set(calls)) == len(first)
    assert summary() == first
    assert len(calls) == len(first)  # the second pass segmented nothing again

    class Relearnt:  # another segmenter, as [initialize.tokenizer] loads one
        def __init__(self, seg):
            self.seg = seg

        def cut(self, text):
            return self.seg.cut(text)

    monkeypatch.setattr(nlp.tokenizer.zh, "pkuseg_seg", Relearnt(nlp.tokenizer.zh.pkuseg_seg))
    assert summary() == first
    assert len(calls) == 2 * len(first)
