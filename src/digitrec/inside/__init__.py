"""See inside: why the network read a digit as it did, and what each of its layers saw.

The window's Why? view (`digitrec.gui.inside`) and `digitrec explain` show it; one idea a module:

    layers_export.py  the network opened up: its layers' outputs and its gradient, exported to
                      MODEL.inside.onnx and checked against Keras (`digitrec export`; the pipeline's side)
    evidence.py       the evidence map: which ink pushed toward the answer and which toward the runner-up
                      (integrated gradients), and each layer's output, worked out on ONNX Runtime
    pictures.py       the evidence and the layers drawn: the red and blue map, its legend, channel tiles (Pillow)
    command.py        `digitrec explain`: an image file's digits explained, as a picture sheet and as JSON

Data flows one way: `layers_export` is the pipeline's (Keras, TensorFlow, tf2onnx) and imports
nothing else here; `evidence` reads its file, `pictures` draws what `evidence` gives, and `command`
uses both. Importing this package imports none of them: the app never pays for TensorFlow.
"""
