"""The FF 68 frame codec and streaming decoder, without any port."""

from __future__ import annotations

import pytest

from hardware.serial_devices import (
    ChecksumError,
    FF68Protocol,
    Frame,
    JunkError,
    KeyEvent,
    KeypadKey,
    LengthError,
    Poll,
    PromptRating,
    RatingEvent,
    RatingLevel,
    SetStatusLight,
    ShowNumber,
    ShowText,
    Status,
    StatusLight,
    TailError,
    TruncatedError,
)
from hardware.serial_devices.ff68 import CMD_KEY, CMD_LED_TEXT, MAX_DATA

PROTOCOL = FF68Protocol()


def frames_of(items):
    return [item for item in items if isinstance(item, Frame)]


def errors_of(items, kind=Exception):
    return [item for item in items if isinstance(item, kind)]


def test_poll_frame_has_the_documented_layout():
    # FF 68 L L 68 ADDR CMD CS 16 with L = 2 (ADDR + CMD), CS = 0x05 + 0x01
    assert PROTOCOL.encode(PROTOCOL.command_frame(5, Poll())) == bytes.fromhex("FF 68 02 02 68 05 01 06 16")


def test_chinese_led_text_survives_encode_and_decode_as_gbk():
    text = "A023 请到3号窗口"
    wire = PROTOCOL.encode(PROTOCOL.command_frame(3, ShowText(text)))
    gbk = text.encode("gbk")
    assert wire[:5] == bytes([0xFF, 0x68, len(gbk) + 2, len(gbk) + 2, 0x68])
    assert wire[5:7] == bytes([3, CMD_LED_TEXT]) and wire[7:-2] == gbk and wire[-1] == 0x16
    [frame] = PROTOCOL.decoder().feed(wire)
    assert (frame.address, frame.command) == (3, CMD_LED_TEXT)
    assert PROTOCOL.command_from(frame) == ShowText(text)


def test_text_outside_gbk_becomes_question_mark_and_long_text_is_cut_between_characters():
    assert PROTOCOL.command_frame(1, ShowText("张😀三")).data == "张?三".encode("gbk")
    long_frame = PROTOCOL.command_frame(1, ShowText("窗" * 200))
    assert len(long_frame.data) == MAX_DATA - 1  # 126 whole characters, no half glyph
    assert long_frame.data.decode("gbk") == "窗" * 126


def test_decoder_resyncs_after_garbage_and_frames_split_anywhere():
    frame_bytes = PROTOCOL.encode(PROTOCOL.command_frame(2, ShowText("请A001号到3号窗口办理")))
    stream = b"\x00\x13\x68\x99garbage" + frame_bytes + b"\x55\xaa" + frame_bytes
    decoder = PROTOCOL.decoder()
    items = []
    for i in range(len(stream)):  # worst case: one byte per read
        items += decoder.feed(stream[i : i + 1])
    items += decoder.flush()
    frames = frames_of(items)
    assert len(frames) == 2
    assert all(PROTOCOL.command_from(f) == ShowText("请A001号到3号窗口办理") for f in frames)
    assert errors_of(items, JunkError), "the garbage is reported, not silently eaten"


def test_bad_checksum_is_reported_and_the_next_good_frame_still_arrives():
    good = PROTOCOL.encode(PROTOCOL.event_frame(4, KeyEvent(KeypadKey.CALL_NEXT), sequence=7))
    bad = bytearray(good)
    bad[-2] ^= 0x01
    items = PROTOCOL.decoder().feed(bytes(bad) + good)
    [error] = errors_of(items, ChecksumError)
    assert error.params["address"] == 4
    assert "校验和错误" in str(error)  # a clear message, Chinese first
    assert "Checksum" in error.message("en")
    [frame] = frames_of(items)
    assert PROTOCOL.event_from(frame) == KeyEvent(KeypadKey.CALL_NEXT)


def test_corrupted_length_costs_only_the_corrupted_frame():
    first = bytearray(PROTOCOL.encode(PROTOCOL.command_frame(1, ShowNumber("A001"))))
    first[2] = first[3] = first[2] + 3  # both length copies wrong in the same way
    second = PROTOCOL.encode(PROTOCOL.command_frame(2, ShowNumber("B002")))
    decoder = PROTOCOL.decoder()
    items = decoder.feed(bytes(first) + second) + decoder.flush()
    assert errors_of(items, TailError) or errors_of(items, TruncatedError)
    assert [PROTOCOL.command_from(f) for f in frames_of(items)] == [ShowNumber("B002")]


def test_disagreeing_length_copies_are_a_length_error_and_do_not_hide_the_next_frame():
    first = bytearray(PROTOCOL.encode(PROTOCOL.command_frame(1, SetStatusLight(StatusLight.RED))))
    first[3] ^= 0x40
    second = PROTOCOL.encode(PROTOCOL.command_frame(1, SetStatusLight(StatusLight.GREEN)))
    decoder = PROTOCOL.decoder()
    items = decoder.feed(bytes(first) + second) + decoder.flush()
    assert errors_of(items, LengthError)
    assert [PROTOCOL.command_from(f) for f in frames_of(items)] == [SetStatusLight(StatusLight.GREEN)]


def test_a_frame_cut_off_by_silence_is_reported_as_truncated():
    wire = PROTOCOL.encode(PROTOCOL.command_frame(1, ShowText("A001")))
    decoder = PROTOCOL.decoder()
    assert decoder.feed(wire[:-3]) == []
    assert errors_of(decoder.flush(), TruncatedError)
    assert frames_of(decoder.feed(wire)) != []  # the decoder is clean afterwards


@pytest.mark.parametrize("key", list(KeypadKey))
def test_every_keypad_key_reaches_the_host_as_itself(key):
    argument = 3 if key is KeypadKey.TRANSFER else None
    wire = PROTOCOL.encode(PROTOCOL.event_frame(2, KeyEvent(key, argument), sequence=1))
    [frame] = PROTOCOL.decoder().feed(wire)
    assert PROTOCOL.is_from_device(frame) and PROTOCOL.needs_ack(frame)
    assert PROTOCOL.event_from(frame) == KeyEvent(key, argument)


@pytest.mark.parametrize(
    "level,label", [(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")]
)
def test_rating_levels_keep_their_national_meaning(level, label):
    wire = PROTOCOL.encode(PROTOCOL.event_frame(3, RatingEvent(RatingLevel(level), "A023")))
    [frame] = PROTOCOL.decoder().feed(wire)
    event = PROTOCOL.event_from(frame)
    assert event == RatingEvent(RatingLevel(level), "A023")
    assert event.level.label() == label
    assert event.level.is_bad == (level <= 2)


def test_keypad_number_is_right_aligned_in_four_characters():
    frame = PROTOCOL.command_frame(2, ShowNumber("023"))
    assert frame.data == b" 023"
    assert PROTOCOL.command_from(frame) == ShowNumber("023")
    with pytest.raises(ValueError):
        ShowNumber("A0001")


def test_malformed_event_payload_is_an_error_not_a_crash():
    with pytest.raises(ValueError):
        PROTOCOL.event_from(Frame(2, CMD_KEY, bytes([1, 0x7F])))
    assert PROTOCOL.event_from(PROTOCOL.event_frame(2, Status())) == Status()
    assert PROTOCOL.command_from(PROTOCOL.command_frame(3, PromptRating("A023"))) == PromptRating("A023")
