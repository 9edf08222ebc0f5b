"""Data files shipped with digitdraw: the pretrained default model."""
