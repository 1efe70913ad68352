/**
 * voipkit/rtp: RTP and RTCP packets in TypeScript, zero-copy over Uint8Array.
 *
 * ```ts
 * import { RtpView, RtpBuilder, parseRtcp, serializeRtcp } from 'voipkit/rtp';
 * const v = RtpView.wrap(datagram);          // throws PacketError if malformed
 * v.sequenceNumber; v.timestamp; v.payload;  // lazy byte reads, no copies
 * ```
 *
 * Pure TypeScript: none of this needs load() or a backend.  Sequence
 * tracking (extended sequence, loss, reorder) is `kit.createSequenceTracker()`.
 */
export { RtpView, RtpBuilder, isRtp, RTP_HEADER_LENGTH, type RtpBuilderInit } from './RtpPacket.js';
export {
  decodeExtensions,
  encodeExtensions,
  extensionForm,
  ONE_BYTE_PROFILE,
  TWO_BYTE_PROFILE,
  type RtpExtension,
  type ExtensionForm,
  type ExtensionBlock,
  type EncodeExtensionsOptions,
} from './extensions.js';
export {
  parseRtcp,
  iterateRtcp,
  serializeRtcp,
  serializeRtcpInto,
  rtcpByteLength,
  nackToSequenceNumbers,
  sequenceNumbersToNack,
  ntpToUnixMs,
  unixMsToNtp,
  ntpMiddle32,
  isRtcp,
  NTP_UNIX_OFFSET,
  RtcpType,
  SdesItemType,
  type RtcpPacket,
  type ParseRtcpOptions,
  type ReportBlock,
  type SenderReport,
  type ReceiverReport,
  type SdesItem,
  type SdesChunk,
  type SourceDescription,
  type Goodbye,
  type AppPacket,
  type NackItem,
  type GenericNack,
  type PictureLossIndication,
  type FirEntry,
  type FullIntraRequest,
  type FeedbackPacket,
  type UnknownRtcpPacket,
} from './rtcp.js';
export { PacketError, VoipKitError, type ErrorCode } from '../errors.js';
