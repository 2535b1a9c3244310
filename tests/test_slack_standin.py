"""The Slack stand-in, driven by the real slack_sdk clients over loopback sockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from simulators.slack_api import (
    BOT_USER_ID,
    TEAM_ID,
    RunningSlackStandin,
    run_slack_standin,
)

TOKEN = "xoxb-test-token"
# Enough bytes to cross more than one TCP read, with every byte value present.
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 300


@pytest.fixture
async def standin() -> AsyncIterator[RunningSlackStandin]:
    async with run_slack_standin(bot_token=TOKEN) as running:
        yield running


@pytest.fixture
def client(standin: RunningSlackStandin) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=standin.api_url)


async def test_urls_are_loopback(standin: RunningSlackStandin) -> None:
    assert standin.base_url.startswith("http://127.0.0.1:")
    assert standin.api_url == standin.base_url + "/api/"


async def test_refuses_to_listen_beyond_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        async with run_slack_standin(host="0.0.0.0"):
            pass


async def test_auth_test_with_the_bot_token(client: AsyncWebClient) -> None:
    reply = await client.auth_test()
    assert reply["ok"] is True
    assert reply["user_id"] == BOT_USER_ID
    assert reply["team_id"] == TEAM_ID
    assert reply["bot_id"].startswith("B")


async def test_missing_and_wrong_tokens_are_refused(standin: RunningSlackStandin) -> None:
    anonymous = AsyncWebClient(base_url=standin.api_url)
    with pytest.raises(SlackApiError) as missing:
        await anonymous.chat_postMessage(channel="C0GENERAL1", text="hi")
    assert missing.value.response["error"] == "not_authed"

    intruder = AsyncWebClient(token="xoxb-wrong", base_url=standin.api_url)
    with pytest.raises(SlackApiError) as wrong:
        await intruder.auth_test()
    assert wrong.value.response["error"] == "invalid_auth"

    assert [c.error for c in standin.calls] == ["not_authed", "invalid_auth"]
    assert standin.calls[1].token == "xoxb-wrong"
    assert standin.messages == {}


async def test_unknown_method_is_refused(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.api_call("chat.teleport", json={"channel": "C0GENERAL1"})
    assert refused.value.response["error"] == "unknown_method"


async def test_post_message_then_update_round_trip(
    client: AsyncWebClient, standin: RunningSlackStandin
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*pending*"}}]
    posted = await client.chat_postMessage(channel="C0APPROVAL", text="pending", blocks=blocks)
    assert posted["channel"] == "C0APPROVAL"
    ts = posted["ts"]
    assert posted["message"]["blocks"] == blocks

    done = [{"type": "section", "text": {"type": "mrkdwn", "text": "*applied*"}}]
    updated = await client.chat_update(channel="C0APPROVAL", ts=ts, text="applied", blocks=done)
    assert (updated["channel"], updated["ts"], updated["text"]) == ("C0APPROVAL", ts, "applied")

    [message] = standin.channel_messages("C0APPROVAL")
    assert message["text"] == "applied"
    assert message["blocks"] == done
    assert message["edited"]["user"] == BOT_USER_ID
    [call] = standin.calls_to("chat.update")
    assert call.args["ts"] == ts
    assert call.token == TOKEN


async def test_form_encoded_and_json_bodies_are_read_alike(
    client: AsyncWebClient, standin: RunningSlackStandin
) -> None:
    blocks = [{"type": "divider"}]
    await client.api_call(
        "chat.postMessage",
        data={"channel": "#general", "text": "form", "blocks": json.dumps(blocks)},
    )
    await client.chat_postMessage(channel="C0GENERAL1", text="json", blocks=blocks)
    form_call, json_call = standin.calls_to("chat.postMessage")
    assert form_call.args["blocks"] == json_call.args["blocks"] == blocks
    assert [m["text"] for m in standin.channel_messages("C0GENERAL1")] == ["form", "json"]


async def test_message_ts_values_are_unique_and_increasing(client: AsyncWebClient) -> None:
    replies = [await client.chat_postMessage(channel="C0GENERAL1", text=str(i)) for i in range(5)]
    stamps = [float(r["ts"]) for r in replies]
    assert stamps == sorted(set(stamps))


async def test_chat_errors_match_slack(client: AsyncWebClient) -> None:
    async def error_of(**kwargs: Any) -> str:
        with pytest.raises(SlackApiError) as refused:
            await client.api_call(kwargs.pop("method"), json=kwargs)
        return str(refused.value.response["error"])

    assert await error_of(method="chat.postMessage", channel="#nowhere", text="x") == (
        "channel_not_found"
    )
    assert await error_of(method="chat.postMessage", channel="C0GENERAL1") == "no_text"
    assert await error_of(method="chat.update", channel="C0GENERAL1", ts="1.000001", text="x") == (
        "message_not_found"
    )
    assert await error_of(
        method="chat.postEphemeral", channel="C0GENERAL1", user="U0NOBODY99", text="x"
    ) == ("user_not_found")


async def test_post_to_a_user_opens_a_dm(client: AsyncWebClient) -> None:
    reply = await client.chat_postMessage(channel="U0BOB00002", text="your update was applied")
    assert reply["channel"].startswith("D")
    info = await client.conversations_info(channel=reply["channel"])
    assert info["channel"]["is_im"] is True
    assert info["channel"]["user"] == "U0BOB00002"


async def test_post_ephemeral(client: AsyncWebClient, standin: RunningSlackStandin) -> None:
    reply = await client.chat_postEphemeral(channel="C0GENERAL1", user="U0ALICE001", text="psst")
    assert reply["message_ts"]
    [ephemeral] = standin.ephemerals
    assert (ephemeral["user"], ephemeral["text"]) == ("U0ALICE001", "psst")


async def test_users_info_seeded_added_and_unknown(
    client: AsyncWebClient, standin: RunningSlackStandin
) -> None:
    alice = (await client.users_info(user="U0ALICE001"))["user"]
    assert alice["tz"] == "Europe/London"
    assert alice["tz_offset"] in (0, 3600)
    assert alice["tz_label"] in ("Greenwich Mean Time", "British Summer Time")
    assert alice["is_admin"] is True

    standin.add_user("U0CAROL003", "carol", tz="Asia/Tokyo", tz_offset=32400)
    carol = (await client.users_info(user="U0CAROL003"))["user"]
    assert (carol["tz"], carol["tz_offset"], carol["tz_label"]) == (
        "Asia/Tokyo",
        32400,
        "Japan Standard Time",
    )
    assert carol["real_name"] == carol["profile"]["display_name"] == "carol"
    assert carol["is_admin"] is False

    with pytest.raises(SlackApiError) as unknown:
        await client.users_info(user="U0NOBODY99")
    assert unknown.value.response["error"] == "user_not_found"


async def test_conversations_info(client: AsyncWebClient) -> None:
    channel = (await client.conversations_info(channel="C0DIGEST01"))["channel"]
    assert (channel["name"], channel["is_channel"]) == ("roomops-digest", True)
    with pytest.raises(SlackApiError) as unknown:
        await client.conversations_info(channel="nope")
    assert unknown.value.response["error"] == "channel_not_found"


async def test_views_open_update_and_publish(
    client: AsyncWebClient, standin: RunningSlackStandin
) -> None:
    modal = {
        "type": "modal",
        "callback_id": "room_update",
        "title": {"type": "plain_text", "text": "Update room"},
        "blocks": [],
    }
    opened = (await client.views_open(trigger_id="123.456.abc", view=modal))["view"]
    assert opened["id"].startswith("V")
    assert opened["callback_id"] == "room_update"

    changed = {**modal, "title": {"type": "plain_text", "text": "Updated"}}
    updated = (await client.views_update(view_id=opened["id"], view=changed))["view"]
    assert updated["id"] == opened["id"]
    assert standin.views[opened["id"]]["title"]["text"] == "Updated"
    with pytest.raises(SlackApiError) as stale:
        await client.views_update(view_id=opened["id"], view=changed, hash=opened["hash"])
    assert stale.value.response["error"] == "hash_conflict"

    home = {"type": "home", "blocks": [{"type": "divider"}]}
    await client.views_publish(user_id="U0ALICE001", view=home)
    assert standin.home_views["U0ALICE001"]["blocks"] == home["blocks"]
    with pytest.raises(SlackApiError) as no_trigger:
        await client.api_call("views.open", json={"view": modal})
    assert no_trigger.value.response["error"] == "invalid_arguments"


async def test_files_upload_v2_end_to_end(
    client: AsyncWebClient, standin: RunningSlackStandin
) -> None:
    reply = await client.files_upload_v2(
        channel="C0DIGEST01",
        file=PNG_BYTES,
        filename="sessions-by-hour.png",
        title="Sessions by hour",
        initial_comment="Digest for 2024-05-01",
    )
    assert reply["file"]["size"] == len(PNG_BYTES)
    assert reply["file"]["mimetype"] == "image/png"
    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    [upload] = standin.files.values()
    assert upload.id == reply["file"]["id"]
    assert upload.content == PNG_BYTES
    assert (upload.length, upload.declared_length) == (len(PNG_BYTES), len(PNG_BYTES))
    assert (upload.title, upload.channel_id, upload.initial_comment) == (
        "Sessions by hour",
        "C0DIGEST01",
        "Digest for 2024-05-01",
    )
    assert upload.completed


async def test_completing_a_file_that_was_never_uploaded_fails(client: AsyncWebClient) -> None:
    url = await client.files_getUploadURLExternal(filename="a.png", length=3)
    assert url["upload_url"].startswith("http://127.0.0.1:")
    with pytest.raises(SlackApiError) as refused:
        await client.files_completeUploadExternal(
            files=[{"id": url["file_id"], "title": "a"}], channel_id="C0DIGEST01"
        )
    assert refused.value.response["error"] == "file_not_found"


async def test_rate_limit_is_retried_by_slack_sdk(standin: RunningSlackStandin) -> None:
    # retry_after=0: slack_sdk sleeps Retry-After plus up to one random second.
    standin.rate_limit("chat.postMessage", times=1, retry_after=0)
    patient = AsyncWebClient(
        token=TOKEN,
        base_url=standin.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    reply = await patient.chat_postMessage(channel="C0GENERAL1", text="eventually")
    assert reply["ok"] is True
    first, second = standin.calls_to("chat.postMessage")
    assert (first.status, first.error, first.ok) == (429, "ratelimited", False)
    assert second.ok
    assert len(standin.channel_messages("C0GENERAL1")) == 1


async def test_rate_limit_reply_shape_without_retries(standin: RunningSlackStandin) -> None:
    standin.rate_limit("users.info", times=2, retry_after=7)
    # The stock client has no rate-limit handler, so the 429 surfaces as an error.
    impatient = AsyncWebClient(token=TOKEN, base_url=standin.api_url)
    for _ in range(2):
        with pytest.raises(SlackApiError) as limited:
            await impatient.users_info(user="U0ALICE001")
        assert limited.value.response.status_code == 429
        assert limited.value.response.headers["Retry-After"] == "7"
        assert limited.value.response["error"] == "ratelimited"
    assert (await impatient.users_info(user="U0ALICE001"))["ok"] is True


async def test_response_url_capture_and_wait(standin: RunningSlackStandin) -> None:
    url = standin.new_response_url()
    assert url.startswith(standin.base_url + "/response/")
    assert url != standin.new_response_url()

    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        # Bolt's respond() goes through this same webhook client.
        hook = AsyncWebhookClient(url)
        first = await hook.send(text="Sessions: 3", response_type="ephemeral")
        assert (first.status_code, first.body) == (200, "ok")
        await hook.send(text="page 2", replace_original=True)

    task = asyncio.create_task(reply_later())
    posts = await standin.wait_for_response(url, count=2, timeout=5)
    await task
    assert [p.body["text"] for p in posts] == ["Sessions: 3", "page 2"]
    assert posts[0].body["response_type"] == "ephemeral"
    assert posts[1].body["replace_original"] is True


async def test_unknown_response_url_is_404(standin: RunningSlackStandin) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{standin.base_url}/response/forged", json={"text": "x"}) as reply,
    ):
        assert reply.status == 404
    assert standin.responses == []


async def test_waits_time_out_with_a_useful_message(standin: RunningSlackStandin) -> None:
    with pytest.raises(TimeoutError, match=r"chat\.postMessage"):
        await standin.wait_for_call("chat.postMessage", timeout=0.05)
    with pytest.raises(TimeoutError, match="saw 0"):
        await standin.wait_for_response(standin.new_response_url(), timeout=0.05)


async def test_wait_for_call_sees_a_call_made_concurrently(
    client: AsyncWebClient, standin: RunningSlackStandin
) -> None:
    waiting = asyncio.create_task(standin.wait_for_call("chat.postMessage", count=2))
    await client.chat_postMessage(channel="C0GENERAL1", text="one")
    await client.chat_postMessage(channel="C0GENERAL1", text="two")
    calls = await waiting
    assert [c.args["text"] for c in calls] == ["one", "two"]


async def test_on_event_reports_posts_as_they_arrive(
    client: AsyncWebClient, standin: RunningSlackStandin
) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []
    standin.on_event = lambda kind, payload: seen.append((kind, payload))
    await client.chat_postMessage(channel="C0GENERAL1", text="hello")
    url = standin.new_response_url()
    await AsyncWebhookClient(url).send(text="only you")
    assert [(kind, payload["text"]) for kind, payload in seen] == [
        ("chat.postMessage", "hello"),
        ("response_url", "only you"),
    ]


async def test_a_failing_on_event_hook_does_not_break_the_api(
    client: AsyncWebClient, standin: RunningSlackStandin
) -> None:
    def explode(kind: str, payload: dict[str, Any]) -> None:
        raise RuntimeError("printer on fire")

    standin.on_event = explode
    assert (await client.chat_postMessage(channel="C0GENERAL1", text="still ok"))["ok"]


async def test_rate_limit_for_a_time_window(
    standin: RunningSlackStandin, client: AsyncWebClient
) -> None:
    standin.rate_limit_for("chat.postMessage", seconds=0.3, retry_after=4)
    started = asyncio.get_running_loop().time()
    refused = 0
    # However often the bot asks inside the window, it is refused; after it, served.
    while asyncio.get_running_loop().time() - started < 0.25:
        with pytest.raises(SlackApiError) as limited:
            await client.chat_postMessage(channel="C0GENERAL1", text="now?")
        assert limited.value.response.status_code == 429
        assert limited.value.response.headers["Retry-After"] == "4"
        refused += 1
        await asyncio.sleep(0.05)
    assert refused >= 3
    await asyncio.sleep(0.1)
    assert (await client.chat_postMessage(channel="C0GENERAL1", text="now"))["ok"] is True
    assert [m["text"] for m in standin.channel_messages("C0GENERAL1")] == ["now"]
    # Other methods were never limited.
    assert (await client.users_info(user="U0ALICE001"))["ok"] is True


async def test_server_error_for_a_time_window(
    standin: RunningSlackStandin, client: AsyncWebClient
) -> None:
    standin.fail_for("chat.update", seconds=0.3, status=503)
    posted = await client.chat_postMessage(channel="C0GENERAL1", text="before")
    with pytest.raises(SlackApiError) as failed:
        await client.chat_update(channel="C0GENERAL1", ts=posted["ts"], text="after")
    assert failed.value.response.status_code == 503
    assert standin.calls_to("chat.update")[-1].status == 503
    await asyncio.sleep(0.35)
    await client.chat_update(channel="C0GENERAL1", ts=posted["ts"], text="after")
    assert [m["text"] for m in standin.channel_messages("C0GENERAL1")] == ["after"]


async def test_accept_then_drop_stores_the_message_and_never_answers(
    standin: RunningSlackStandin, client: AsyncWebClient
) -> None:
    standin.drop_after_accepting("chat.postMessage")
    # No connection-error retry here: slack_sdk's default one would post it again.
    once = AsyncWebClient(token=TOKEN, base_url=standin.api_url, retry_handlers=[])
    with pytest.raises(aiohttp.ClientError):
        await once.chat_postMessage(channel="C0GENERAL1", text="did it land?")
    # It did: the channel shows it, though the client never heard so.
    assert [m["text"] for m in standin.channel_messages("C0GENERAL1")] == ["did it land?"]
    assert standin.calls_to("chat.postMessage")[0].error == "dropped"
    await client.chat_postMessage(channel="C0GENERAL1", text="answered")
    assert len(standin.channel_messages("C0GENERAL1")) == 2


async def test_history_newest_first_with_metadata_paging_and_oldest(
    standin: RunningSlackStandin, client: AsyncWebClient
) -> None:
    metadata = {"event_type": "roomops_outbox", "event_payload": {"id": 7}}
    sent = [
        (await client.chat_postMessage(channel="C0GENERAL1", text=f"m{n}", metadata=metadata))["ts"]
        for n in range(5)
    ]
    plain = await client.conversations_history(channel="C0GENERAL1", limit=2)
    assert [m["text"] for m in plain["messages"]] == ["m4", "m3"]
    assert all("metadata" not in m for m in plain["messages"])
    assert plain["has_more"] is True
    rest = await client.conversations_history(
        channel="C0GENERAL1",
        limit=2,
        cursor=plain["response_metadata"]["next_cursor"],
        include_all_metadata=True,
    )
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1"]
    assert rest["messages"][0]["metadata"] == metadata
    recent = await client.conversations_history(channel="C0GENERAL1", oldest=sent[2])
    assert [m["text"] for m in recent["messages"]] == ["m4", "m3"]  # oldest is exclusive
    assert recent["has_more"] is False
    with pytest.raises(SlackApiError) as missing:
        await client.conversations_history(channel="C0NOSUCH01X")
    assert missing.value.response["error"] == "channel_not_found"


async def test_conversations_open_gives_the_dm_a_post_to_the_user_lands_in(
    standin: RunningSlackStandin, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="U0ALICE001", text="psst")
    opened = await client.conversations_open(users="U0ALICE001")
    assert opened["channel"]["id"] == posted["channel"]
    history = await client.conversations_history(channel=opened["channel"]["id"])
    assert [m["text"] for m in history["messages"]] == ["psst"]
    with pytest.raises(SlackApiError) as unknown:
        await client.conversations_open(users="U0NOBODY01")
    assert unknown.value.response["error"] == "user_not_found"
