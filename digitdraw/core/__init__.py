"""The Qt-free heart of digitdraw: models, data, preprocessing, training, regression."""
