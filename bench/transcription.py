"""Benchmark 6: transcribing a customer's voice note on the worker (conversations/speech_to_text.py).

Run alone: `python -m bench.transcription` prints the row. The spoken test fixtures (OGG/Opus as
WhatsApp and Telegram send, MP4/AAC as Messenger sends; tests/support/audio/) are decoded and
transcribed `repeats` times each, in this process, with the configured model (Whisper tiny.en by
default) and PARLEY_MODEL_THREADS; the model's load, once per process, is timed apart. The figure is
seconds of transcription (decoding included) per second of audio: under 1, a voice note is understood
faster than it was spoken, and a 2-minute note (the default limit) delays its reply by that much.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass

FORMATS = ("ogg", "mp4")
# Faster than the customer spoke it: the reply waits for the transcript.
TARGET_PER_AUDIO_SECOND = 1.0


@dataclass(frozen=True)
class TranscriptionResult:
    model: str
    load_seconds: float
    audio_seconds: float
    # Seconds of work per second of audio, one per transcription.
    per_audio_second: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.per_audio_second)


def run(repeats: int) -> TranscriptionResult:
    from conversations import speech_to_text
    from tests.support import spoken_audio

    started = time.perf_counter()
    speech_to_text.speech_model()
    load_seconds = time.perf_counter() - started
    ratios, audio_seconds = [], 0.0
    for extension in FORMATS:
        audio = spoken_audio(extension)
        for _ in range(repeats):
            started = time.perf_counter()
            transcript = speech_to_text.transcribe(audio, max_seconds=120)
            ratios.append((time.perf_counter() - started) / transcript.seconds)
            audio_seconds = transcript.seconds
    return TranscriptionResult(speech_to_text.model_directory(), load_seconds, audio_seconds, ratios)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from .report import transcription_row

    print(transcription_row(run(repeats=5)))
